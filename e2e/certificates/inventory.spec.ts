import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { sql } from "../db";
import { publishes } from "../devices/mqtt";
import { localBroker } from "../fleet";
import { bearer, signInAs, unique } from "../fixtures";

test("the inventory lists the CA, broker and device certificates; expiring ones are charted and flagged on the overview", async ({ page, request }) => {
  const clientId = `inv-${unique()}`;
  const created = await request.post("/api/v1/devices", { headers: bearer("ADMIN"), data: { clientId, auth: { type: "x509" } } });
  expect(created.status()).toBe(201);
  const deviceId = ((await created.json()) as { device: { id: string } }).device.id;
  // Time moves forward for this certificate only: it now expires in five days.
  await sql(`UPDATE "Certificate" SET "notAfter" = now() + interval '5 days' WHERE "deviceId" = $1`, [deviceId]);

  await signInAs(page, "AUDITOR");
  await page.goto("/overview");
  const flag = page.getByTestId("expiry-flag");
  await expect(flag).toContainText(/expires? within 30 days \(\d+ within 7\)/);
  await flag.click();
  await expect(page).toHaveURL(/\/certificates\?status=expiring$/);
  const row = page.getByRole("row").filter({ hasText: `CN=${clientId}` });
  await expect(row).toContainText("Device");
  await expect(row).toContainText(/expiring in [45] d/);
  await expect(row.getByRole("link", { name: clientId })).toHaveAttribute("href", `/devices/${deviceId}`);
  await row.click();
  await expect(page.locator("dt", { hasText: "SHA-256" })).toBeVisible();

  await page.getByRole("link", { name: /within 7 days/ }).first().click();
  await expect(page).toHaveURL(/expiresWithinDays=7/);
  await expect(page.getByRole("row").filter({ hasText: `CN=${clientId}` })).toBeVisible();

  await page.goto("/certificates?kind=CA");
  await expect(page.getByRole("row").filter({ hasText: "Fleetward Fleet CA" }).first()).toContainText("EC P-256");
  await page.goto("/certificates?kind=BROKER");
  await expect(page.getByRole("row").filter({ hasText: "CN=e2e-1" }).first()).toContainText("DNS:localhost");

  const revoked = await request.post(`/api/v1/devices/${deviceId}/revoke`, { headers: bearer("ADMIN"), data: {} });
  expect(revoked.status()).toBe(200);
  await page.goto(`/certificates?q=${clientId}`);
  await expect(page.getByRole("row").filter({ hasText: `CN=${clientId}` })).toContainText("revoked: revoked");

  await page.goto("/certificates?sort=notAfter&order=asc");
  await page.getByRole("button", { name: "Not after" }).click();
  await expect(page.getByRole("columnheader", { name: "Not after" })).toHaveAttribute("aria-sort", "descending");
  await expect(page).toHaveURL(/order=desc/);
});

test("the certificate API refuses bad filters with the field and the reason", async ({ request }) => {
  const res = await request.get("/api/v1/certificates?status=valid&sort=size", { headers: bearer("AUDITOR") });
  expect(res.status()).toBe(422);
  const { error } = (await res.json()) as { error: { fields: Record<string, string> } };
  expect(error.fields).toEqual({ status: "must be one of active, expiring, expired, revoked", sort: "must be one of notAfter, subject, createdAt" });
  const cursor = await request.get("/api/v1/certificates?cursor=bm9wZQ", { headers: bearer("AUDITOR") });
  expect(cursor.status()).toBe(422);
});

test("an admin creates a device CA in the browser; devices issued by it connect to the brokers; a bad import is named beside the field", async ({ page, request }) => {
  await signInAs(page, "ADMIN");
  await page.goto("/certificates");
  await page.getByRole("button", { name: "Create CA" }).click();
  const dialog = page.getByRole("dialog");
  const name = `Browser CA ${unique()}`;
  await dialog.getByLabel("Common name").fill(name);
  await dialog.getByLabel("Key").selectOption("rsa-3072");
  await dialog.getByLabel("Validity (days)").fill("5");
  await dialog.getByRole("button", { name: "Create CA" }).click();
  await expect(dialog.getByText("must be at least 30 days")).toBeVisible();
  await dialog.getByLabel("Validity (days)").fill("730");
  await dialog.getByRole("button", { name: "Create CA" }).click();
  await expect(dialog).toBeHidden({ timeout: 20_000 });
  const row = page.getByRole("table", { name: "Certificate authorities" }).getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("RSA 3072");
  await expect(row).toContainText("issuing");

  const clientId = `browser-ca-${unique()}`;
  const created = await request.post("/api/v1/devices", { headers: bearer("OPERATOR"), data: { clientId, auth: { type: "x509" } } });
  expect(created.status()).toBe(201);
  const { secret, caPem } = (await created.json()) as { secret: { certPem: string; keyPem: string }; caPem: string };
  expect(execFileSync("openssl", ["x509", "-noout", "-issuer"], { input: secret.certPem, encoding: "utf8" })).toContain(name);
  const dir = mkdtempSync(path.join(os.tmpdir(), "fleetward-e2e-ca-"));
  for (const [f, text] of [["ca.crt", caPem], ["d.crt", secret.certPem], ["d.key", secret.keyPem]] as const) writeFileSync(path.join(dir, f), text);
  for (const b of ["e2e-1", "e2e-2"]) {
    await publishes(localBroker(b).ports.mtls, clientId, ["--cafile", path.join(dir, "ca.crt"), "--cert", path.join(dir, "d.crt"), "--key", path.join(dir, "d.key")]);
  }

  await page.getByRole("button", { name: "Import CA" }).click();
  await page.getByRole("dialog").getByLabel("CA certificate (PEM)").fill(secret.certPem);
  await page.getByRole("dialog").getByLabel("Private key (PEM)").fill(secret.keyPem);
  await page.getByRole("dialog").getByRole("button", { name: "Import CA" }).click();
  await expect(page.getByRole("dialog").getByText("is not a CA certificate (basicConstraints CA:TRUE is missing)")).toBeVisible();
});

test("operators see the CAs but cannot add one", async ({ page, request }) => {
  await signInAs(page, "OPERATOR");
  await page.goto("/certificates");
  await expect(page.getByRole("table", { name: "Certificate authorities" })).toContainText("Fleet CA");
  await expect(page.getByRole("button", { name: "Create CA" })).toHaveCount(0);
  const res = await request.post("/api/v1/ca", { headers: bearer("OPERATOR"), data: { commonName: "x" } });
  expect(res.status()).toBe(403);
});
