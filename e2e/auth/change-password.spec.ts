import { expect, test, type Page } from "@playwright/test";
import { sql } from "../db";
import { newUser, signInWith, unique } from "../fixtures";

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // The password hash is costly on purpose: wait for the page itself, as long as the test may take.
  await page.waitForURL(/\/overview/);
}

const NEW = `a new passphrase ${unique()}`;

test.describe("changing one's own password", () => {
  test("Settings -> Account: the current password is asked, a wrong one is refused beside the field, the other sessions end", async ({ page, browser }, testInfo) => {
    test.slow(); // three sign-ins and three password checks, each a deliberately costly hash
    const { email, password } = newUser("OPERATOR");
    const elsewhere = await browser.newContext();
    await signInWith(elsewhere.request, email, password);
    await signIn(page, email, password);

    await page.goto("/settings");
    const form = page.getByRole("form", { name: "Change password" });
    await expect(form).toBeVisible();
    const card = page.locator("section", { has: form });
    await card.screenshot({ path: testInfo.outputPath("password-form.png") });
    await page.screenshot({ path: testInfo.outputPath("account-page.png"), fullPage: true });

    // The browser checks the policy and the repetition before anything is sent.
    await form.getByLabel("Current password").fill(password);
    await form.getByLabel("New password", { exact: true }).fill("too short");
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(form.getByText("must be at least 12 characters")).toBeVisible();
    await form.getByLabel("New password", { exact: true }).fill(NEW);
    await form.getByLabel("New password again").fill(`${NEW}!`);
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(form.getByText("does not match the new password")).toBeVisible();

    // A wrong current password: 422 from the server, shown beside its field; nothing changes.
    await form.getByLabel("Current password").fill("not-my-password");
    await form.getByLabel("New password again").fill(NEW);
    const refused = page.waitForResponse((r) => r.url().endsWith("/api/v1/session/password"));
    await form.getByRole("button", { name: "Change password" }).click();
    expect((await refused).status()).toBe(422);
    const current = form.getByLabel("Current password");
    await expect(current).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByText("is not your current password")).toBeVisible();
    await card.screenshot({ path: testInfo.outputPath("password-wrong-current.png") });
    expect((await elsewhere.request.get("/api/v1/session")).status()).toBe(200);

    await current.fill(password);
    await form.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByTestId("password-changed")).toHaveText("Password changed. 1 other session was signed out.");
    await expect(current).toHaveValue("");
    await card.screenshot({ path: testInfo.outputPath("password-changed.png") });

    // The other browser is signed out; this one stays; only the new password signs in.
    expect((await elsewhere.request.get("/api/v1/session")).status()).toBe(401);
    expect((await page.request.get("/api/v1/session")).status()).toBe(200);
    await elsewhere.close();
    const again = await browser.newContext();
    await signInWith(again.request, email, NEW);
    await again.close();

    // Bad input through the session: the field and the reason, nothing counted.
    const bad = await page.request.post("/api/v1/session/password", { data: { currentPassword: 42, newPassword: "short" }, headers: { origin: new URL(page.url()).origin } });
    expect(bad.status()).toBe(422);
    expect(Object.keys((await bad.json()).error.fields).sort()).toEqual(["currentPassword", "newPassword"]);
    const [user] = await sql<{ id: string }>(`SELECT "id"::text FROM "User" WHERE "email" = $1`, [email]);
    const audit = await sql<{ action: string }>(`SELECT "action" FROM "AuditEvent" WHERE "targetId" = $1 AND "action" LIKE 'user.password_change%' ORDER BY "id"`, [user!.id]);
    expect(audit.map((a) => a.action)).toEqual(["user.password_change_refused", "user.password_change"]);
  });

  test("a single sign-on user is told why there is no password to change", async ({ page }, testInfo) => {
    test.slow();
    const { email, password } = newUser("AUDITOR");
    await sql(`UPDATE "User" SET "oidcSubject" = $2 WHERE "email" = $1`, [email, `https://idp.e2e.test|${unique()}`]);
    await signIn(page, email, password);
    await page.goto("/settings");
    await expect(page.getByTestId("password-sso")).toContainText("You sign in with single sign-on: your password is kept by your identity provider, not by Fleetward");
    await expect(page.getByRole("form", { name: "Change password" })).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath("password-sso.png"), fullPage: true });
    const res = await page.request.post("/api/v1/session/password", { data: { currentPassword: password, newPassword: NEW }, headers: { origin: new URL(page.url()).origin } });
    expect(res.status()).toBe(409);
  });
});
