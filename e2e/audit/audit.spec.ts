import { expect, test } from "@playwright/test";
import { bearer, newUser, signInAs } from "../fixtures";

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
  expect(body.ok).toBe(true);
  expect(body.firstBroken).toBeNull();
  expect(body.checked).toBeGreaterThan(5);
});

test("bad filters are refused with the field named", async ({ request }) => {
  const res = await request.get("/api/v1/audit?from=yesterday&limit=0", { headers: bearer("AUDITOR") });
  expect(res.status()).toBe(422);
  const { error } = await res.json();
  expect(Object.keys(error.fields).sort()).toEqual(["from", "limit"]);
});
