import { expect, test, type Page } from "@playwright/test";
import { base32Decode, totpCode } from "@/lib/domain/totp";
import { bearer, newUser } from "../fixtures";

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test.describe("two-factor authentication", () => {
  test("an operator enrols with the QR code's key, then signs in with a code; a wrong code is refused beside the field", async ({ page, browser }) => {
    const { email, password } = newUser("OPERATOR");
    await signIn(page, email, password);
    await expect(page).toHaveURL(/\/overview/);

    await page.goto("/settings");
    await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
    await page.getByLabel("Your password").fill("not-the-password");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByText("is not your password")).toBeVisible();
    await page.getByLabel("Your password").fill(password);
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByRole("img", { name: "QR code of the authenticator key" })).toBeVisible();
    const secret = base32Decode((await page.getByTestId("totp-secret").textContent())!);
    // A code from another key is refused beside the field; the app's code turns it on.
    await page.getByLabel("Code from the app").fill(totpCode(Buffer.from("not the key, not the key"), Date.now()));
    await page.getByRole("button", { name: "Confirm" }).click();
    await expect(page.getByText("does not match the new authenticator")).toBeVisible();
    await page.getByLabel("Code from the app").fill(totpCode(secret, Date.now()));
    await page.getByRole("button", { name: "Confirm" }).click();
    await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
    const codes = (await page.getByTestId("recovery-codes").locator("li").allTextContents()).map((c) => c.trim());
    await page.getByRole("button", { name: "I have saved them" }).click();
    await expect(page.getByTestId("recovery-codes")).toHaveCount(0);
    await expect(page.getByText("unused recovery codes")).toBeVisible();
    await expect(page.getByTestId("recovery-left")).toHaveText("10");

    // Bad input through the session: the field and the reason.
    const bad = await page.request.post("/api/v1/session/two-factor/disable", { data: { code: 42 }, headers: { origin: new URL(page.url()).origin } });
    expect(bad.status()).toBe(422);
    expect((await bad.json()).error.fields.code).toBeTruthy();

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    await signIn(page, email, password);
    await expect(page.getByLabel("Authentication code")).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
    await page.getByLabel("Authentication code").fill("000000" === totpCode(secret, Date.now()) ? "111111" : "000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page.getByText("The code was refused")).toBeVisible();
    expect((await page.request.get("/api/v1/session")).status()).toBe(401);
    // The enrolment used the current step's code: the next step's is good (within the one-step window).
    await page.getByLabel("Authentication code").fill(totpCode(secret, Date.now() + 30_000));
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page).toHaveURL(/\/overview/);
    await expect(page.getByTestId("current-user")).toHaveText(email);

    // A recovery code signs in once, in another browser.
    const other = await browser.newContext();
    const second = await other.newPage();
    await signIn(second, email, password);
    await second.getByLabel("Authentication code").fill(codes[0]!);
    await second.getByRole("button", { name: "Verify" }).click();
    await expect(second).toHaveURL(/\/overview/);
    await second.goto("/settings");
    await expect(second.getByTestId("recovery-left")).toHaveText("9");
    await other.close();

    // The admin sees it on the Users page and the audit log has every step.
    const users = await page.request.get(`/api/v1/users?q=${encodeURIComponent(email)}`, { headers: bearer("ADMIN") });
    expect((await users.json()).items[0].twoFactor).toBe(true);
    const audit = await page.request.get(`/api/v1/audit?actor=${encodeURIComponent(email)}&limit=50`, { headers: bearer("AUDITOR") });
    const actions = ((await audit.json()).items as { action: string }[]).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["user.two_factor_enrolment_refused", "user.two_factor_enrolment_start", "user.two_factor_enable", "auth.sign_in"]));
    // The refused code was no one's yet: an anonymous actor, with the e-mail typed as a detail.
    const failed = await page.request.get(`/api/v1/audit?q=${encodeURIComponent(email)}&action=auth.sign_in_failed`, { headers: bearer("AUDITOR") });
    const items = (await failed.json()).items as { actorLabel: string; details: { email: string; reason: string } }[];
    expect(items.map((e) => [e.actorLabel, e.details.email, e.details.reason])).toEqual([["anonymous", email, "bad_second_factor"]]);
  });
});
