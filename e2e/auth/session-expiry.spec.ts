import { expect, test } from "@playwright/test";
import { bearer, newUser, signInWith } from "../fixtures";
import { sql } from "../db";

async function sessionOf(email: string) {
  const [row] = await sql<{ id: string }>(
    `SELECT s.id FROM "UserSession" s JOIN "User" u ON u.id = s."userId" WHERE u.email = $1 ORDER BY s."createdAt" DESC LIMIT 1`,
    [email],
  );
  return row!.id;
}

for (const { label, shift, reason } of [
  { label: "30 minutes idle", shift: `"lastSeenAt" = now() - interval '31 minutes'`, reason: "expired_idle" },
  { label: "8 hours after sign-in", shift: `"expiresAt" = now() - interval '1 second'`, reason: "expired_absolute" },
]) {
  test(`a session ends after ${label}, is audited, and sends the browser to the login page`, async ({ page, request }) => {
    const { email, password } = newUser("OPERATOR");
    await signInWith(page.request, email, password);
    // A page whose live views mint a broker credential as it loads would race the expiry below with its own call.
    const minted = page.waitForResponse((r) => r.url().endsWith("/api/v1/live/credentials"));
    await page.goto("/overview");
    await expect(page.getByTestId("current-user")).toHaveText(email);
    expect((await minted).status()).toBe(201);
    const id = await sessionOf(email);
    await sql(`UPDATE "UserSession" SET ${shift} WHERE id = $1`, [id]);
    await page.goto("/overview");
    await expect(page).toHaveURL(/\/login/);
    expect((await page.request.get("/api/v1/session")).status()).toBe(401);
    const audit = await request.get(`/api/v1/audit?action=auth.session_ended&target=${id}`, { headers: bearer("AUDITOR") });
    const [event] = (await audit.json()).items;
    expect(event.details).toEqual({ reason });
  });
}
