import { expect, test } from "@playwright/test";
import { signInAs, signInWith, unique } from "../fixtures";

test("an admin creates a user (password shown once), changes the role, disables and resets", async ({ page, browser }) => {
  await signInAs(page, "ADMIN");
  await page.goto("/settings/users");
  await page.getByRole("button", { name: "New user" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("E-mail").fill("not-an-email");
  await dialog.getByRole("button", { name: "Create user" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("must be a valid e-mail address");

  const email = `ui-${unique()}@e2e.test`;
  await dialog.getByLabel("E-mail").fill(email);
  await dialog.getByLabel("Role").selectOption("AUDITOR");
  await dialog.getByRole("button", { name: "Create user" }).click();
  const password = (await page.getByTestId("secret-value").textContent())!;
  expect(password).toMatch(/^[A-Za-z0-9]{24}$/);
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("secret-value")).toHaveCount(0);

  const row = page.getByTestId(`user-row-${email}`);
  await expect(row).toContainText("Active");
  await row.getByLabel(`Role of ${email}`).selectOption("OPERATOR");
  await expect(row.getByLabel(`Role of ${email}`)).toHaveValue("OPERATOR");

  // The new user can sign in with the password shown once; disabling them ends that session.
  const other = await browser.newContext();
  await signInWith(other.request, email, password);
  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("Disabled");
  expect((await other.request.get("/api/v1/session")).status()).toBe(401);
  await other.close();

  page.once("dialog", (d) => void d.accept());
  await row.getByRole("button", { name: "Reset password" }).click();
  await expect(page.getByTestId("secret-value")).toHaveText(/^[A-Za-z0-9]{24}$/);
  expect(await page.getByTestId("secret-value").textContent()).not.toBe(password);
});

test("an admin creates an API token (shown once) that works, then revokes it", async ({ page, request }) => {
  await signInAs(page, "ADMIN");
  await page.goto("/settings/tokens");
  await page.getByRole("button", { name: "New token" }).click();
  const name = `ui-token-${unique()}`;
  await page.getByRole("dialog").getByLabel("Name").fill(name);
  await page.getByRole("dialog").getByLabel("Role").selectOption("AUDITOR");
  await page.getByRole("dialog").getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("secret-value").textContent())!;
  expect(secret).toMatch(/^fwt_/);
  await page.getByRole("button", { name: "Done" }).click();
  const headers = { authorization: `Bearer ${secret}` };
  expect((await request.get("/api/v1/audit?limit=1", { headers })).status()).toBe(200);

  const row = page.getByTestId(`token-row-${name}`);
  page.once("dialog", (d) => void d.accept());
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("Revoked");
  expect((await request.get("/api/v1/audit?limit=1", { headers })).status()).toBe(401);
});
