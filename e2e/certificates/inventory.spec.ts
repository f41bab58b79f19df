import { expect, test } from "@playwright/test";
import { sql } from "../db";
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
  await expect(page.getByText("SHA-256")).toBeVisible();

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
