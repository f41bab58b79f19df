import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { sql } from "../db";
import { bearer, newUser, signInAs, unique } from "../fixtures";
import { e2eState } from "../state";

test("an auditor filters the audit log, opens an event and verifies the chain", async ({ page, request }) => {
  const { email } = newUser("OPERATOR");
  await signInAs(page, "AUDITOR");
  await page.goto("/audit");
  await page.getByLabel("Action").fill("user.create");
  await page.getByRole("button", { name: "Filter" }).click();
  const row = page.getByRole("row").filter({ hasText: "user.create" }).first();
  await expect(row).toBeVisible();
  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByTestId("verify-result")).toContainText("Intact");

  const res = await request.get(`/api/v1/audit?action=user.create&limit=200`, { headers: bearer("AUDITOR") });
  const created = ((await res.json()).items as { details: { after?: { email?: string } } }[]).find((e) => e.details.after?.email === email);
  expect(created, "the CLI's user creation is audited").toBeDefined();

  const verify = await request.get("/api/v1/audit/verify", { headers: bearer("AUDITOR") });
  const body = await verify.json();
  expect(body).toMatchObject({ ok: true, firstBroken: null, broken: null, missingTail: null, keyedFrom: "1", keyId: expect.stringMatching(/^master:[0-9a-f]{8}$/) });
  expect(body.checked).toBeGreaterThan(5);
});

test("bad filters are refused with the field named", async ({ request }) => {
  const res = await request.get("/api/v1/audit?from=yesterday&limit=0", { headers: bearer("AUDITOR") });
  expect(res.status()).toBe(422);
  const { error } = await res.json();
  expect(Object.keys(error.fields).sort()).toEqual(["from", "limit"]);
});

test("an auditor searches the log, opens an event as a before/after diff, and exports the range as CSV (itself audited)", async ({ page, request }) => {
  const clientId = `audit-${unique()}`;
  const created = await request.post("/api/v1/devices", { headers: bearer("OPERATOR"), data: { clientId, auth: { type: "password" } } });
  const { device } = (await created.json()) as { device: { id: string } };
  expect((await request.patch(`/api/v1/devices/${device.id}`, { headers: bearer("OPERATOR"), data: { disabled: true } })).status()).toBe(200);

  await signInAs(page, "AUDITOR");
  await page.goto("/audit");
  // A bad search is refused beside the field.
  await page.getByLabel("Search").fill("%%%");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByText("needs a letter or a digit")).toBeVisible();

  await page.getByLabel("Search").fill(clientId);
  await page.getByRole("button", { name: "Filter" }).click();
  const rows = page.getByTestId("audit-events").locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText("device.disable");
  await expect(rows.nth(1)).toContainText("device.create");

  await rows.nth(0).click();
  const drawer = page.getByRole("dialog");
  await expect(drawer).toContainText("Audit event #");
  const changed = drawer.getByTestId("audit-diff").locator('tr[data-changed="true"]');
  await expect(changed).toHaveCount(1);
  await expect(changed).toContainText("disabled");
  await expect(changed.locator("td").nth(1)).toHaveText("false");
  await expect(changed.locator("td").nth(2)).toHaveText("true");
  await expect(drawer).toContainText(clientId);
  await page.keyboard.press("Escape");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^fleetward-audit-.+\.csv$/);
  const csv = readFileSync((await download.path())!, "utf8");
  const lines = csv.trimEnd().split("\r\n");
  expect(lines[0]).toBe("id,at,actorType,actorId,actorLabel,action,targetType,targetId,ip,userAgent,details,prevHash,hash,keyId,mac");
  expect(lines).toHaveLength(3); // oldest first: the creation, then the change
  expect(lines[1]).toContain(",device.create,device,");
  expect(lines[2]).toContain(",device.disable,device,");
  expect(lines[2]).toContain(`""clientId"":""${clientId}""`);

  const exports = await request.get(`/api/v1/audit?action=audit.export&limit=5`, { headers: bearer("AUDITOR") });
  const last = ((await exports.json()).items as { actorLabel: string; details: { format: string; filters: { q?: string } } }[])[0]!;
  expect(last.details).toMatchObject({ format: "csv", filters: { q: clientId } });
  expect(last.actorLabel).toBe(e2eState().users.AUDITOR.email);

  // JSON Lines through the API: one parseable event per line, the log as it stood (the CSV export, which names the
  // same search, is in it now; this export's own event is not).
  const jsonl = await request.get(`/api/v1/audit/export?format=jsonl&q=${clientId}`, { headers: bearer("AUDITOR") });
  expect(jsonl.headers()["content-type"]).toContain("application/x-ndjson");
  expect((await jsonl.text()).trimEnd().split("\n").map((l) => JSON.parse(l).action)).toEqual(["device.create", "device.disable", "audit.export"]);
});

test("a row altered in Postgres behind the log's back: verification names it", async ({ page }) => {
  // The table refuses UPDATE; only someone with the database owner's rights can lift that, as here.
  const [victim] = await sql<{ id: string; actorLabel: string }>(`SELECT "id"::text, "actorLabel" FROM "AuditEvent" ORDER BY "id" DESC OFFSET 3 LIMIT 1`);
  const tamper = (label: string) =>
    sql(`BEGIN; ALTER TABLE "AuditEvent" DISABLE TRIGGER audit_event_no_update_delete; UPDATE "AuditEvent" SET "actorLabel" = '${label.replaceAll("'", "''")}' WHERE "id" = ${Number(victim!.id)}; ALTER TABLE "AuditEvent" ENABLE TRIGGER audit_event_no_update_delete; COMMIT;`);
  await signInAs(page, "AUDITOR");
  await page.goto("/audit");
  await tamper("mallory@evil.example");
  try {
    await page.getByRole("button", { name: "Verify chain" }).click();
    await expect(page.getByTestId("verify-result")).toContainText(`Broken at event #${victim!.id}`);
    await expect(page.getByTestId("verify-result")).toContainText("it does not match its hash: one of its fields was edited after it was written");
  } finally {
    await tamper(victim!.actorLabel);
  }
  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByTestId("verify-result")).toContainText("Intact");
});

/** The chain's lock, as the application takes it: while a session holds it, nothing is appended. */
const AUDIT_CHAIN_LOCK = 0x66_77_61_75;
const COLUMNS = `"id", "at", "actorType", "actorId", "actorLabel", "action", "targetType", "targetId", "ip", "userAgent", "details", "prevHash", "hash", "keyId", "mac"`;

test("the newest events deleted in Postgres: verification reports the tail missing against the checkpoint kept outside", async ({ page }) => {
  test.slow(); // it runs the CLI, which starts slowly on a loaded machine
  await signInAs(page, "AUDITOR");
  const out = execFileSync("node", ["bin/fleetward.mjs", "audit", "checkpoint"], { encoding: "utf8" });
  const headId = Number(/event #(\d+)/i.exec(out)?.[1]);
  expect(headId, out).toBeGreaterThan(2);
  await page.goto("/audit");
  await expect(page.getByTestId("audit-checkpoint")).toContainText(/Newest checkpoint: event #\d+/);

  // No event may be appended while its predecessors are gone (it would link to the cut chain): hold the chain's
  // lock, as a writer does, only while the tail is away.
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    await c.query(`SELECT pg_advisory_lock(${AUDIT_CHAIN_LOCK})`);
    // From one event before the checkpoint's head to the end: whichever checkpoint is newest now, it is cut off.
    await c.query(`BEGIN; ALTER TABLE "AuditEvent" DISABLE TRIGGER audit_event_no_update_delete;
      CREATE TEMP TABLE cut AS SELECT ${COLUMNS} FROM "AuditEvent" WHERE "id" >= ${headId - 1};
      DELETE FROM "AuditEvent" WHERE "id" >= ${headId - 1};
      ALTER TABLE "AuditEvent" ENABLE TRIGGER audit_event_no_update_delete; COMMIT;`);
    try {
      const { rows } = await c.query<{ id: string }>(`SELECT max("id")::text AS id FROM "AuditEvent"`);
      await page.getByRole("button", { name: "Verify chain" }).click();
      await expect(page.getByTestId("verify-result")).toContainText(`Missing tail: the chain ends at event #${rows[0]!.id}`);
      await expect(page.getByTestId("verify-result")).toContainText(/recorded more: at least \d+ events? at the end of the log (was|were) removed/);
    } finally {
      await c.query(`INSERT INTO "AuditEvent" (${COLUMNS}) SELECT ${COLUMNS} FROM cut ORDER BY "id"; DROP TABLE cut;`);
    }
  } finally {
    await c.query(`SELECT pg_advisory_unlock(${AUDIT_CHAIN_LOCK})`).catch(() => undefined);
    await c.end();
  }
  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByTestId("verify-result")).toContainText("Intact");
  await expect(page.getByTestId("verify-result")).toContainText("The head matches the checkpoint of");
});
