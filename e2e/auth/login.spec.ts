import { expect, test } from "@playwright/test";
import { bearer, newUser, signInAs, unique } from "../fixtures";

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

  test("a failed sign-in as \"cli:root\" is an anonymous actor with what was typed, never listed as the CLI", async ({ browser, page, request }, testInfo) => {
    test.slow(); // two browsers, two sign-ins and the Audit page filtered twice
    const userAgent = `typed-identity-${unique()}`;
    const attacker = await browser.newContext({ userAgent });
    const login = await attacker.newPage();
    await login.goto("/login");
    await login.getByLabel("E-mail").fill("cli:root");
    await login.getByLabel("Password").fill("guess");
    await login.getByRole("button", { name: "Sign in" }).click();
    await expect(login.getByTestId("login-error")).toContainText("Wrong e-mail or password");
    await attacker.close();

    type TEvent = { actorType: string; actorLabel: string; userAgent: string | null; details: { email?: string } };
    const events = async (query: string) => ((await (await request.get(`/api/v1/audit?${query}&limit=500`, { headers: bearer("AUDITOR") })).json()).items as TEvent[]).filter((e) => e.userAgent === userAgent);
    // The actor filter lists the CLI's own events, not this attempt; free text finds what was typed.
    expect(await events("actor=cli%3Aroot")).toEqual([]);
    expect((await events("q=cli%3Aroot")).map((e) => [e.actorType, e.actorLabel, e.details.email])).toEqual([["anonymous", "anonymous", "cli:root"]]);

    await signInAs(page, "AUDITOR");
    await page.goto("/audit");
    await page.getByLabel("Actor").fill("cli:root");
    await page.getByRole("button", { name: "Filter" }).click();
    const rows = page.getByTestId("audit-events").locator("tbody tr");
    await expect(rows.first()).toContainText("cli:root");
    await expect(page.getByTestId("typed-identity")).toHaveCount(0);
    await page.getByLabel("Actor").fill("");
    await page.getByLabel("Search").fill("cli:root");
    await page.getByLabel("Action").fill("auth.sign_in_failed");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(rows.first()).toContainText("anonymous (anonymous)");
    await expect(rows.first().getByTestId("typed-identity")).toHaveText("typed “cli:root”");
    await page.getByTestId("audit-events").screenshot({ path: testInfo.outputPath("audit-anonymous.png") });
    await page.screenshot({ path: testInfo.outputPath("audit-page.png") });
  });
});
