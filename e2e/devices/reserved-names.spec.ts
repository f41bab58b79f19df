import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { RESERVED_NAME_REASON } from "@/lib/domain/reserved-names";
import { bearer, signInAs, unique } from "../fixtures";

// A device named like one of Fleetward's own identities would be trusted as Fleetward: the admin listener's ACL gives
// fleetward-admin readwrite #, and a client with an agent's client id takes over the agent's session.

const tokenName = `reserved-${unique()}`;
const token = execFileSync("node", ["bin/fleetward.mjs", "token", "create", "--name", tokenName, "--role", "OPERATOR"], { encoding: "utf8" }).trim().split("\n").at(-1)!;
const operator = { authorization: `Bearer ${token}` };

const OWN = [
  ["fleetward-admin", "x509"],
  ["fleetward-agent-demo-3", "password"],
  ["_fleetward-probe", "psk"],
  ["_live-0123456789abcdef", "password"],
  ["FleetWard-Admin", "x509"],
] as const;

const csvFile = (name: string, text: string) => ({ name, mimeType: "text/csv", buffer: Buffer.from(text) });

test("the API refuses Fleetward's own identities as client ids, alone or in bulk, and writes nothing", async ({ request }) => {
  for (const [clientId, type] of OWN) {
    const res = await request.post("/api/v1/devices", { headers: operator, data: { clientId, auth: { type } } });
    expect(res.status(), clientId).toBe(422);
    expect(((await res.json()) as { error: { fields: Record<string, string> } }).error.fields).toEqual({ clientId: RESERVED_NAME_REASON });
  }
  const bulk = await request.post("/api/v1/devices:bulk", {
    headers: operator,
    data: { devices: [{ clientId: `fine-${unique()}`, auth: { type: "psk" } }, { clientId: "fleetward-agent-demo-1", auth: { type: "password" } }] },
  });
  expect(bulk.status()).toBe(422);
  expect(((await bulk.json()) as { error: { fields: Record<string, string> } }).error.fields).toEqual({ "devices.1.clientId": RESERVED_NAME_REASON });
  const disconnect = await request.post("/api/v1/live/disconnect", { headers: bearer("ADMIN"), data: { clientId: "fleetward-agent-e2e-1" } });
  expect(disconnect.status()).toBe(422);

  for (const [clientId] of OWN) {
    const found = (await (await request.get(`/api/v1/devices?q=${encodeURIComponent(clientId)}`, { headers: operator })).json()) as { items: { clientId: string }[] };
    expect(found.items.filter((d) => d.clientId.toLowerCase() === clientId.toLowerCase())).toEqual([]);
  }
  const audit = await request.get(`/api/v1/audit?actor=${tokenName}`, { headers: bearer("ADMIN") });
  expect(((await audit.json()) as { items: unknown[] }).items).toEqual([]);
});

test("the form says beside the client id that the name is Fleetward's", async ({ page }) => {
  await signInAs(page, "OPERATOR");
  await page.goto("/devices/new");
  await page.getByLabel("Client id", { exact: true }).fill("fleetward-admin");
  await page.getByLabel("X.509, key generated here").check();
  await page.getByRole("button", { name: "Create device" }).click();
  await expect(page.getByText(RESERVED_NAME_REASON)).toBeVisible();
  await expect(page.getByTestId("connection-bundle")).toHaveCount(0);
});

test("a CSV with such a row is refused naming its line and column; nothing is written", async ({ page, request }) => {
  await signInAs(page, "OPERATOR");
  const good = `csv-ok-${unique()}`;
  await page.goto("/devices/import");
  await page.getByLabel("CSV file").setInputFiles(csvFile("own.csv", `client_id,auth\n${good},password\nfleetward-agent-demo-3,password\n`));
  await page.getByRole("button", { name: "Import 2 devices" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "bad row" });
  await expect(alert).toContainText("1 bad row(s); nothing was written.");
  const row = alert.getByRole("row").nth(1);
  await expect(row.getByRole("cell")).toHaveText(["3", "fleetward-agent-demo-3", "client_id", RESERVED_NAME_REASON]);
  const none = await request.get(`/api/v1/devices?q=${good}`, { headers: bearer("ADMIN") });
  expect(((await none.json()) as { items: unknown[] }).items).toEqual([]);
});
