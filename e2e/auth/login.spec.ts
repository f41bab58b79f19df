import { expect, test } from "@playwright/test";
import { newUser } from "../fixtures";

test.describe("login page", () => {
  test("signs in, shows the user and role, and signs out", async ({ page }) => {
    const { email, password } = newUser("OPERATOR");
    await page.goto("/overview");
    await expect(page).toHaveURL(/\/login/);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/overview/);
    await expect(page.getByTestId("current-user")).toHaveText(email);
    await expect(page.getByText("Operator", { exact: true })).toBeVisible();
    const host = new URL(page.url()).host;
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    expect(new URL(page.url()).host, "signed out to the login page of the host the browser used").toBe(host);
    await page.goto("/overview");
    await expect(page).toHaveURL(/\/login/);
    const api = await page.request.get("/api/v1/session");
    expect(api.status()).toBe(401);
  });

  test("a wrong password shows an error and does not sign in", async ({ page }) => {
    const { email } = newUser("AUDITOR");
    await page.goto("/login");
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("login-error")).toContainText("Wrong e-mail or password");
    await expect(page).toHaveURL(/\/login/);
  });

  test("five failures lock the account: even the right password is refused with a clear message", async ({ page }) => {
    const { email, password } = newUser("OPERATOR");
    await page.goto("/login");
    await page.getByLabel("E-mail").fill(email);
    for (let i = 0; i < 5; i++) {
      await page.getByLabel("Password").fill(`wrong-${i}`);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByTestId("login-error")).toBeVisible();
    }
    await expect(page.getByTestId("login-error")).toContainText("Too many failed sign-ins");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("login-error")).toContainText("refused for 15 more minutes");
    await expect(page).toHaveURL(/\/login/);
  });
});
