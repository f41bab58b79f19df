import { expect, test } from "@playwright/test";
import { bearer, signInAs } from "../fixtures";

test("an auditor sees no admin pages in the sidebar and is refused them", async ({ page }) => {
  await signInAs(page, "AUDITOR");
  await page.goto("/overview");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Audit" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Live" })).toBeVisible(); // watching is read-only: auditors may
  await page.goto("/settings");
  await expect(page.getByRole("navigation", { name: "Section" }).getByRole("link", { name: "Users" })).toHaveCount(0);
  for (const path of ["/settings/users", "/settings/tokens"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(403);
    await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  }
});

test("an auditor's session and token are refused by admin APIs", async ({ page, request }) => {
  await signInAs(page, "AUDITOR");
  const viaCookie = await page.request.post("/api/v1/users", { data: { email: "x@example.com", role: "ADMIN" } });
  expect(viaCookie.status()).toBe(403);
  expect((await viaCookie.json()).error.code).toBe("FORBIDDEN");
  const viaToken = await request.get("/api/v1/users", { headers: bearer("AUDITOR") });
  expect(viaToken.status()).toBe(403);
});

test("an operator has no audit log and no user management", async ({ page }) => {
  await signInAs(page, "OPERATOR");
  await page.goto("/overview");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Devices" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Audit" })).toHaveCount(0);
  expect((await page.goto("/audit"))?.status()).toBe(403);
});
