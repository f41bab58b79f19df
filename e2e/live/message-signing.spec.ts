import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { CompactSign, importPKCS8 } from "jose";
import { localBroker } from "../fleet";
import { bearer, E2E_SIGNED_TOPICS, signInAs, unique } from "../fixtures";
import { FLEET_DIR } from "../state";

const CA_FILE = path.join(FLEET_DIR, "admin", "ca.crt");
const dir = mkdtempSync(path.join(os.tmpdir(), "fw-e2e-signing-"));
const file = (name: string, content: string) => (writeFileSync(path.join(dir, name), content), path.join(dir, name));

type TCreated = { device: { id: string; clientId: string }; secret: { password: string }; signingKey: { kid: string; secret: { privateKeyPem: string } } };

test("signed traffic in the inspector: valid, replayed, tampered, unsigned and encrypted messages, findings per device, decryption by role", async ({ page, request }) => {
  // Many steps through the worker and the brokers: minutes when other work holds the cores (each wait ends at its event).
  test.setTimeout(300_000);
  expect((await request.put("/api/v1/signing/topics", { headers: bearer("ADMIN"), data: E2E_SIGNED_TOPICS })).status()).toBe(200);
  const clientId = `signed-${unique()}`;
  const res = await request.post("/api/v1/devices", { headers: bearer("OPERATOR"), data: { clientId, auth: { type: "password" }, signingKey: "EdDSA" } });
  expect(res.status()).toBe(201);
  const created = (await res.json()) as TCreated;
  const ck = await request.post("/api/v1/content-keys", { headers: bearer("ADMIN"), data: { name: `telemetry-${unique()}`, clientId } });
  expect(ck.status()).toBe(201);
  const content = (await ck.json()) as { key: { id: string }; secret: { contentKey: string } };
  const topic = `devices/${clientId}/signed`;
  const b = localBroker("e2e-1");
  const keyFile = file(`${clientId}.pem`, created.signingKey.secret.privateKeyPem);
  /** The device-side example, as a device developer runs it. */
  const example = (extra: string[] = []) =>
    execFileSync("node", ["examples/signed-publisher.mjs", "--url", `mqtts://127.0.0.1:${b.ports.tlsPassword}`, "--ca", CA_FILE, "--username", clientId, "--password-file", file(`${clientId}.pw`, created.secret.password), "--topic", topic, "--kid", created.signingKey.kid, "--private-key", keyFile, "--counter-file", path.join(dir, "counter"), "--count", "1", ...extra], { encoding: "utf8", timeout: 20_000 });
  /** Debian's client, for what the example would never send. */
  const pub = (message: string) => execFileSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(b.ports.tlsPassword), "--cafile", CA_FILE, "-u", clientId, "-P", created.secret.password, "-i", clientId, "-t", topic, "-m", message, "-q", "1", "-V", "mqttv5"], { timeout: 20_000 });

  /** Live, as this role, watching the device's topics once the page's link to e2e-1 is up. */
  const watchAs = async (role: "ADMIN" | "OPERATOR") => {
    await signInAs(page, role);
    await page.goto("/live");
    await expect(page.getByTestId("link-e2e-1")).toContainText("live", { timeout: 20_000 });
    await page.getByLabel("Topic filter").fill(`devices/${clientId}/+`);
    await page.getByRole("button", { name: "Watch", exact: true }).click();
    // Said once every broker acknowledged the subscription: from then on a message under it reaches the page.
    await expect(page.getByText(`No message under devices/${clientId}/+ yet.`)).toBeVisible({ timeout: 20_000 });
  };

  await watchAs("ADMIN");
  const inspector = page.getByTestId("inspector");
  // The device's password reaches the broker within seconds of its creation.
  await expect.poll(() => { try { example(); return true; } catch { return false; } }, { timeout: 20_000 }).toBe(true);
  await expect(inspector.locator('[data-verdict="valid"]').first()).toBeVisible({ timeout: 20_000 });

  // What the example would never send: the same bytes twice, a changed payload under the old signature, no signature.
  const signer = await importPKCS8(created.signingKey.secret.privateKeyPem, "EdDSA");
  const claims = { dev: clientId, ts: Date.now(), ctr: Date.now() + 60_000, tpc: topic, data: { valve: "open" } };
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: "EdDSA", kid: created.signingKey.kid, typ: "fleetward-msg+jws" }).sign(signer);
  const [h, , s] = jws.split(".");
  pub(jws);
  pub(jws);
  pub(`${h}.${Buffer.from(JSON.stringify({ ...claims, data: { valve: "closed" } })).toString("base64url")}.${s}`);
  pub('{"valve":"open"}');
  writeFileSync(path.join(dir, "counter"), String(claims.ctr)); // the example goes on above it
  for (const verdict of ["replayed", "invalid", "unsigned"]) await expect(inspector.locator(`[data-verdict="${verdict}"]`)).toHaveCount(1, { timeout: 20_000 });
  await expect(inspector.locator('[data-verdict="valid"]')).toHaveCount(2);
  await inspector.locator('tr:has([data-verdict="invalid"])').click();
  await expect(page.getByTestId("signature")).toContainText("bad signature");
  await expect(page.getByTestId("claims")).toContainText('"valve": "closed"');
  await page.screenshot({ path: test.info().outputPath("inspector-verdicts.png"), fullPage: true });

  // Encrypted: the row says so, the verifier still judges it (it holds the key), an admin decrypts it (audited).
  example(["--content-kid", content.key.id, "--content-key-file", file("ck", content.secret.contentKey), "--data", '{"secret":"reading-42"}']);
  const encrypted = inspector.locator("tr", { hasText: "encrypted" });
  await expect(encrypted.locator('[data-verdict="valid"]')).toBeVisible({ timeout: 20_000 });
  await encrypted.click();
  await expect(page.getByTestId("inspected-payload")).not.toContainText("reading-42");
  await page.getByRole("button", { name: "Decrypt (audited)" }).click();
  await expect(page.getByTestId("decrypted")).toContainText('"secret": "reading-42"');

  // Findings, per device (and per topic for unsigned traffic: MQTT does not say who published it).
  // The others by the API: a posture run meanwhile may move them past the list's first page.
  const open = async (rule: string, subject: string) => ((await (await request.get(`/api/v1/security/findings?rule=${rule}&limit=200`, { headers: bearer("AUDITOR") })).json()).items as { subject: string; count: number }[]).find((f) => f.subject === subject);
  // The verifier stores its findings every few seconds: the page is opened once they are stored, not before.
  await expect.poll(async () => (await open("signing.replayed", clientId)) !== undefined, { timeout: 60_000 }).toBe(true);
  await page.goto("/security");
  const findings = page.getByTestId("findings");
  await expect(findings.locator(`tr[data-rule="signing.replayed"][data-subject="${clientId}"]`)).toContainText("high", { timeout: 20_000 });
  expect(await open("signing.invalid", clientId)).toMatchObject({ count: 1 });
  expect(await open("signing.unsigned", topic)).toMatchObject({ count: 1 });
  // The verified topics: a filter in Fleetward's own namespace is refused beside the field, nothing saved.
  await page.getByRole("button", { name: "Add filter" }).click();
  await page.getByLabel("Topic filter 2").fill("fleetward/#");
  await page.getByRole("button", { name: "Save filters" }).click();
  await expect(page.getByText("is Fleetward's own namespace")).toBeVisible();
  expect(await (await request.get("/api/v1/signing/topics", { headers: bearer("AUDITOR") })).json()).toEqual(E2E_SIGNED_TOPICS);

  // The device page: its key with the highest verified counter; a rotation shows the new private key once.
  await page.goto(`/devices/${created.device.id}`);
  const keys = page.getByTestId("signing-keys");
  await expect(keys.locator(`tr[data-kid="${created.signingKey.kid}"]`)).toContainText("Active");
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Rotate key" }).click();
  await expect(page.getByText("Signing private key (Ed25519, PKCS#8): copy it now")).toBeVisible();
  await expect(page.getByText(`Revoked with it: ${created.signingKey.kid}`)).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(keys.locator(`tr[data-kid="${created.signingKey.kid}"]`)).toContainText("Revoked");

  // An operator inspects traffic but may not decrypt.
  await watchAs("OPERATOR");
  example(["--content-kid", content.key.id, "--content-key-file", file("ck", content.secret.contentKey)]);
  await inspector.locator("tr", { hasText: "encrypted" }).first().click({ timeout: 20_000 });
  await expect(page.getByTestId("decrypt-refused")).toHaveText("Your role may not decrypt payloads (admins may).");
  await expect(page.getByRole("button", { name: "Decrypt (audited)" })).toHaveCount(0);
  expect((await request.post("/api/v1/live/decrypt", { headers: bearer("OPERATOR"), data: { topic, payload: "a.b.c.d.e" } })).status()).toBe(403);
});
