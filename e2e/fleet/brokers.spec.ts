import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { localBroker, registrationOf } from "../fleet";
import { bearer, signInAs } from "../fixtures";
import { FLEET_DIR } from "../state";

test("an operator sees the fleet in sync and a broker's drift, endpoints and TLS posture", async ({ page }) => {
  await signInAs(page, "OPERATOR");
  await page.goto("/brokers");
  for (const name of ["e2e-1", "e2e-2"]) {
    await expect(page.getByTestId(`broker-row-${name}`).getByTestId("sync-state")).toHaveText("In sync", { timeout: 20_000 });
  }
  await expect(page.getByTestId("broker-row-e2e-1")).toContainText("Mosquitto 2.0");
  await page.goto("/overview");
  await expect(page.getByTestId("fleet-summary")).toContainText("e2e-1");
  await page.goto("/brokers");
  await page.getByRole("link", { name: "e2e-1" }).click();
  await expect(page.getByTestId("drift")).toContainText("No drift");
  await expect(page.locator("dd", { hasText: "files (passwd, acl, psk)" })).toBeVisible();
  const b = localBroker("e2e-1");
  await expect(page.getByText(`mqtts://127.0.0.1:${b.ports.tlsPassword}`)).toBeVisible();
  await page.getByRole("button", { name: "Probe TLS" }).click();
  const rows = page.getByTestId("tls-posture").locator("tbody tr");
  await expect(rows).toHaveCount(6, { timeout: 30_000 });
  for (const row of await rows.all()) {
    const cells = row.locator("td");
    await expect(cells.nth(1)).toHaveText("refused"); // TLS 1.0
    await expect(cells.nth(2)).toHaveText("refused"); // TLS 1.1
    await expect(cells.nth(3)).toHaveText("accepted"); // TLS 1.2
    await expect(cells.nth(4)).toHaveText("accepted"); // TLS 1.3
    const psk = (await cells.nth(0).textContent())?.startsWith("psk");
    await expect(cells.nth(6)).toContainText(psk ? "pre-shared key, no certificate" : "IP Address:127.0.0.1");
  }
  await page.getByRole("button", { name: "Reconcile now" }).click();
  await expect(page.getByText("Reconcile queued")).toBeVisible();
});

test("adding a broker tests the channel and says what failed beside the field", async ({ page }) => {
  await signInAs(page, "ADMIN");
  await page.goto("/brokers");
  await page.getByRole("button", { name: "Add broker" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("Bad Name!");
  await dialog.getByRole("button", { name: "Add broker" }).click();
  await expect(dialog.getByText("must be 1-63 characters of a-z")).toBeVisible();
  await expect(dialog.getByText("must be a PEM certificate").first()).toBeVisible();

  // A real broker's admin port, but a CA that did not sign its certificate: TLS verification fails.
  const reg = registrationOf("e2e-2");
  const otherCa = readFileSync(path.join(FLEET_DIR, "e2e-1/pki/server.crt"), "utf8");
  await dialog.getByLabel("Name").fill("e2e-wrong-ca");
  for (const [label, port] of [["Admin (mTLS)", reg.ports.admin], ["TLS password", reg.ports.tlsPassword], ["Device mTLS", reg.ports.mtls], ["TLS-PSK", reg.ports.psk], ["Secure WebSockets", reg.ports.wss]] as const) {
    await dialog.getByLabel(label).fill(String(port));
  }
  await dialog.getByLabel("Broker CA certificate (PEM)").fill(otherCa);
  await dialog.getByLabel("Admin client certificate (PEM)").fill(reg.adminCertPem);
  await dialog.getByLabel("Admin client key (PEM)").fill(reg.adminKeyPem);
  await dialog.getByRole("button", { name: "Add broker" }).click();
  await expect(dialog.getByText(/TLS verification of 127\.0\.0\.1:\d+ failed/)).toBeVisible({ timeout: 15_000 });
});

test("the API names the failure: refused port, wrong admin identity", async ({ request }) => {
  const reg = registrationOf("e2e-2");
  const closed = await request.post("/api/v1/brokers", { headers: bearer("OPERATOR"), data: { ...reg, name: "e2e-refused", ports: { ...reg.ports, admin: 1 } } });
  expect(closed.status()).toBe(422);
  expect((await closed.json()).error.fields["ports.admin"]).toMatch(/refused/);

  // The agent's certificate is from the fleet CA but is not the admin identity: the admin listener's ACL gives it
  // nothing, so the agent never answers. The broker's own device certificate is not a client certificate at all.
  const agentCert = readFileSync(path.join(FLEET_DIR, "e2e-2/pki/server.crt"), "utf8");
  const agentKey = readFileSync(path.join(FLEET_DIR, "e2e-2/pki/server.key"), "utf8");
  const wrong = await request.post("/api/v1/brokers", { headers: bearer("OPERATOR"), data: { ...reg, name: "e2e-wrong-id", adminCertPem: agentCert, adminKeyPem: agentKey } });
  expect(wrong.status()).toBe(422);
  expect(Object.keys((await wrong.json()).error.fields)).toEqual(["adminCertPem"]);
  const list = await request.get("/api/v1/brokers", { headers: bearer("AUDITOR") });
  const names = ((await list.json()).items as { name: string; syncState: string }[]).map((b) => b.name);
  expect(names).not.toContain("e2e-refused");
  expect(names).not.toContain("e2e-wrong-id");
});

test("an auditor sees brokers but cannot add or reconcile", async ({ page }) => {
  await signInAs(page, "AUDITOR");
  await page.goto("/brokers");
  await expect(page.getByTestId("broker-row-e2e-1")).toBeVisible();
  await expect(page.getByRole("button", { name: "Add broker" })).toHaveCount(0);
  await page.getByRole("link", { name: "e2e-1" }).click();
  await expect(page.getByTestId("drift")).toBeVisible();
  await expect(page.getByRole("button", { name: "Reconcile now" })).toHaveCount(0);
});
