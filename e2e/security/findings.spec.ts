import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import mqtt from "mqtt";
import { sql } from "../db";
import { localBroker } from "../fleet";
import { bearer, signInAs, unique } from "../fixtures";
import { FLEET_DIR } from "../state";

const CA_FILE = path.join(FLEET_DIR, "admin", "ca.crt");

type TFinding = { id: string; rule: string; subject: string; count: number; lastAt: string; detail: string };

async function finding(request: APIRequestContext, rule: string, subject: string, since: number): Promise<TFinding | undefined> {
  const res = await request.get(`/api/v1/security/findings?rule=${rule}&limit=200`, { headers: bearer("AUDITOR") });
  expect(res.status()).toBe(200);
  return ((await res.json()).items as TFinding[]).find((f) => f.subject === subject && Date.parse(f.lastAt) >= since - 1_000);
}

test("30 bad-password attempts from one client raise a brute-force finding; an admin resolves it", async ({ page, request }) => {
  const since = Date.now();
  const b = localBroker("e2e-1");
  const prefix = `stuffed-${unique()}`;
  for (let i = 0; i < 30; i++) {
    const id = `${prefix}-${i % 15}`;
    const pub = spawn("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(b.ports.tlsPassword), "--cafile", CA_FILE, "-u", id, "-P", `guess-${i}`, "-i", id, "-t", "a", "-m", "x", "-V", "mqttv5"]);
    await new Promise((r) => pub.on("exit", r));
  }
  await expect.poll(async () => (await finding(request, "brute-force", "127.0.0.1", since))?.count ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);

  // As the auditor sees it: read-only.
  await signInAs(page, "AUDITOR");
  await page.goto("/security");
  const row = page.getByTestId("findings").locator('tr[data-rule="brute-force"][data-subject="127.0.0.1"]');
  await expect(row).toContainText("high");
  await row.click();
  await expect(page.getByText(/failed logins from 127\.0\.0\.1 within 1 min \(threshold 20\)/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Resolve" })).toHaveCount(0);

  // The admin resolves it; the resolution is audited.
  const f = (await finding(request, "brute-force", "127.0.0.1", since))!;
  expect((await request.post(`/api/v1/security/findings/${f.id}/resolve`, { headers: bearer("AUDITOR"), data: {} })).status()).toBe(403);
  const resolved = await request.post(`/api/v1/security/findings/${f.id}/resolve`, { headers: bearer("ADMIN"), data: { note: "firewalled" } });
  expect(resolved.status()).toBe(200);
  expect((await resolved.json()).resolvedAt).not.toBeNull();
  const audit = await request.get(`/api/v1/audit?action=security.finding_resolve&target=${f.id}`, { headers: bearer("AUDITOR") });
  expect((await audit.json()).items[0].details).toMatchObject({ rule: "brute-force", subject: "127.0.0.1", note: "firewalled" });
});

test("a device whose certificate was revoked tries again: its handshake is refused and a finding names it", async ({ request }) => {
  const since = Date.now();
  const clientId = `revoked-${unique()}`;
  const created = await request.post("/api/v1/devices", { headers: bearer("OPERATOR"), data: { clientId, auth: { type: "x509" } } });
  expect(created.status()).toBe(201);
  const { device, secret } = (await created.json()) as { device: { id: string }; secret: { certPem: string; keyPem: string } };
  const b = localBroker("e2e-1");
  const ca = readFileSync(CA_FILE, "utf8");
  const connect = () => mqtt.connectAsync(`mqtts://127.0.0.1:${b.ports.mtls}`, { ca, cert: secret.certPem, key: secret.keyPem, clientId, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3_000 });
  // It connects while valid (the broker reports it from this address)…
  await expect.poll(async () => (await connect().then((c) => c.endAsync().then(() => true)).catch(() => false)), { timeout: 20_000 }).toBe(true);
  expect((await request.post(`/api/v1/devices/${device.id}/revoke`, { headers: bearer("ADMIN"), data: {} })).status()).toBe(200);
  // …and once the brokers hold the new CRL, its handshake fails.
  await expect.poll(async () => (await connect().then((c) => c.endAsync().then(() => "accepted")).catch((e: Error) => e.message)), { timeout: 20_000 }).not.toBe("accepted");
  await expect.poll(async () => (await finding(request, "revoked-still-trying", clientId, since))?.detail ?? "", { timeout: 15_000 }).toContain("revoked or the device disabled");
  expect(await finding(request, "tls-refused", "127.0.0.1", since)).toBeDefined();
});

test("thresholds are tuned by admins only, field by field", async ({ request }) => {
  const current = await (await request.get("/api/v1/security/detection", { headers: bearer("AUDITOR") })).json();
  expect(current.bruteForce).toEqual({ failures: 20, withinSeconds: 60 });
  expect((await request.put("/api/v1/security/detection", { headers: bearer("AUDITOR"), data: current })).status()).toBe(403);
  const bad = await request.put("/api/v1/security/detection", { headers: bearer("ADMIN"), data: { ...current, bruteForce: { failures: 0, withinSeconds: 60 } } });
  expect(bad.status()).toBe(422);
  expect((await bad.json()).error.fields).toEqual({ "bruteForce.failures": "must be at least 1" });
  const ok = await request.put("/api/v1/security/detection", { headers: bearer("ADMIN"), data: current });
  expect(ok.status()).toBe(200);
});

test("an admin runs the posture checks on demand: a certificate about to expire becomes a finding", async ({ page, request }) => {
  const clientId = `expiring-${unique()}`;
  const created = await request.post("/api/v1/devices", { headers: bearer("OPERATOR"), data: { clientId, auth: { type: "x509" } } });
  const deviceId = ((await created.json()) as { device: { id: string } }).device.id;
  const [cert] = await sql<{ serial: string }>(`UPDATE "Certificate" SET "notAfter" = now() + interval '3 days' WHERE "deviceId" = $1 RETURNING "serial"`, [deviceId]);
  await signInAs(page, "ADMIN");
  await page.goto("/security");
  await page.getByRole("button", { name: "Run posture checks" }).click();
  await expect(page.getByRole("status")).toContainText(/Posture checked: \d+ weakness\(es\) open, \d+ new/);
  // The suite's many users without a second factor fill pages of medium findings: the high ones fit on one.
  await page.locator("select").filter({ hasText: "Any severity" }).selectOption("high");
  const row = page.getByTestId("findings").locator(`tr[data-rule="certificate-expiring"][data-subject="${cert!.serial}"]`);
  await expect(row).toContainText("Device certificate expiring");
  await expect(row).toContainText("high");
  await row.click();
  await expect(page.getByText(new RegExp(`\\(device ${clientId}\\) expires in [23] day`))).toBeVisible();
});
