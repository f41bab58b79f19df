import { afterAll, describe, expect, it } from "vitest";
import { base32Decode, totpCode } from "@/lib/domain/totp";
import type { TActor } from "../../audit";
import { db, disconnectDb } from "../../db";
import { principalOfSession } from "../../principal";
import { testActor, testIp, unique } from "../../testing/fixtures";
import { getSecurityPolicy, setSecurityPolicy } from "../security/security-policy";
import { createUser } from "../users/create-user";
import { resetUserTwoFactor } from "../users/reset-user-two-factor";
import { confirmTwoFactorEnrolment } from "./confirm-two-factor-enrolment";
import { disableTwoFactor } from "./disable-two-factor";
import { getTwoFactorStatus } from "./get-two-factor-status";
import { regenerateRecoveryCodes } from "./regenerate-recovery-codes";
import { signInWithPassword } from "./sign-in-with-password";
import { startTwoFactorEnrolment } from "./start-two-factor-enrolment";

afterAll(() => disconnectDb());

async function enrolledUser(role: "OPERATOR" | "ADMIN" = "OPERATOR") {
  const email = `totp-${unique()}@example.com`;
  const { user, password } = await createUser({ actor: testActor(), input: { email, role } });
  const actor: TActor = { type: "user", id: user.id, label: email, ip: testIp(), userAgent: "vitest" };
  const enrolment = await startTwoFactorEnrolment({ actor, password });
  const secret = base32Decode(enrolment.secret);
  const { recoveryCodes } = await confirmTwoFactorEnrolment({ actor, code: totpCode(secret, Date.now()) });
  return { email, password, actor, secret, enrolment, recoveryCodes, id: user.id };
}

/** As if the last code was used a few minutes ago: the next sign-in may use the current one. */
const timePasses = (id: string) => db.user.update({ where: { id }, data: { totpLastStep: 0n } });

describe("two-factor authentication", () => {
  it("enrols with a QR code and a code from it; the secret is sealed at rest and the recovery codes kept only as hashes", async () => {
    const email = `totp-${unique()}@example.com`;
    const { user, password } = await createUser({ actor: testActor(), input: { email, role: "OPERATOR" } });
    const actor: TActor = { type: "user", id: user.id, label: email, ip: testIp(), userAgent: "vitest" };
    // The password is asked again: a wrong one is refused beside the field, counted and audited.
    await expect(startTwoFactorEnrolment({ actor, password: "not-it" })).rejects.toMatchObject({ code: "UNPROCESSABLE", fields: { password: "is not your password" } });
    expect(await db.loginAttempt.count({ where: { email, success: false } })).toBe(1);
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ totpPendingSealed: null });
    const e = await startTwoFactorEnrolment({ actor, password });
    expect(e.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(e.otpauthUri).toContain(`secret=${e.secret}`);
    expect(e.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect((await getTwoFactorStatus(actor)).enabled).toBe(false);
    await expect(confirmTwoFactorEnrolment({ actor, code: "000000" === totpCode(base32Decode(e.secret), Date.now()) ? "111111" : "000000" })).rejects.toMatchObject({ code: "UNPROCESSABLE", fields: { code: "does not match the new authenticator" } });
    const done = await confirmTwoFactorEnrolment({ actor, code: totpCode(base32Decode(e.secret), Date.now()) });
    expect(done.recoveryCodes).toHaveLength(10);
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.totpSecretSealed).toMatch(/^v2:[0-9a-f]{8}:/);
    const stored = JSON.stringify(row, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    expect(stored).not.toContain(e.secret);
    for (const c of done.recoveryCodes) expect(stored).not.toContain(c);
    expect(row.totpPendingSealed).toBeNull();
    expect(await getTwoFactorStatus(actor)).toMatchObject({ enabled: true, recoveryCodesLeft: 10, required: false });
    const actions = (await db.auditEvent.findMany({ where: { targetId: user.id }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["user.two_factor_enrolment_refused", "user.two_factor_enrolment_start", "user.two_factor_enable"]));
    const audit = JSON.stringify((await db.auditEvent.findMany({ where: { targetId: user.id } })).map((a) => a.details));
    expect(audit).not.toContain(e.secret);
  });

  it("asks for the code after the right password, refuses a wrong or replayed one (counted as failures), accepts a recovery code once", async () => {
    const { email, password, secret, recoveryCodes, id } = await enrolledUser();
    const ip = testIp();
    expect(await signInWithPassword({ email, password, ip, userAgent: null })).toEqual({ ok: false, reason: "second_factor" });
    expect(await signInWithPassword({ email, password: "wrong", code: totpCode(secret, Date.now() + 30_000), ip, userAgent: null })).toEqual({ ok: false, reason: "invalid" });
    const wrong = totpCode(secret, Date.now() - 300_000);
    expect(await signInWithPassword({ email, password, code: wrong, ip, userAgent: null })).toEqual({ ok: false, reason: "second_factor_invalid" });
    // The code used to confirm the enrolment is used up; the next step's is good once.
    expect(await signInWithPassword({ email, password, code: totpCode(secret, Date.now()), ip, userAgent: null })).toMatchObject({ ok: false, reason: "second_factor_invalid" });
    const next = totpCode(secret, Date.now() + 30_000);
    expect(await signInWithPassword({ email, password, code: next, ip, userAgent: null })).toMatchObject({ ok: true });
    expect(await signInWithPassword({ email, password, code: next, ip, userAgent: null })).toMatchObject({ ok: false, reason: "second_factor_invalid" });
    expect(await db.loginAttempt.count({ where: { email, success: false } })).toBe(4);

    const recovery = recoveryCodes[3]!.toUpperCase().replaceAll("-", " ");
    expect(await signInWithPassword({ email, password, code: recovery, ip, userAgent: null })).toMatchObject({ ok: true });
    expect(await signInWithPassword({ email, password, code: recoveryCodes[3]!, ip, userAgent: null })).toMatchObject({ ok: false, reason: "second_factor_invalid" });
    const signIns = await db.auditEvent.findMany({ where: { actorLabel: email, action: "auth.sign_in" }, orderBy: { id: "asc" } });
    expect(signIns.map((s) => s.details)).toEqual([{ secondFactor: "totp" }, { secondFactor: "recovery", recoveryCodesLeft: 9 }]);
    expect(await db.auditEvent.count({ where: { action: "auth.sign_in_failed", AND: [{ details: { path: ["reason"], equals: "bad_second_factor" } }, { details: { path: ["email"], equals: email } }] } })).toBe(4);
    await timePasses(id);
    expect(await signInWithPassword({ email, password, code: totpCode(secret, Date.now()), ip: testIp(), userAgent: null })).toMatchObject({ ok: true });
  });

  it("turns off with a code, renews recovery codes, and is reset by an admin (sessions ended)", async () => {
    const u = await enrolledUser();
    await expect(disableTwoFactor({ actor: u.actor, code: "12345" })).rejects.toMatchObject({ code: "UNPROCESSABLE", fields: { code: expect.any(String) } });
    const renewed = await regenerateRecoveryCodes({ actor: u.actor, code: totpCode(u.secret, Date.now() + 30_000) });
    expect(renewed.recoveryCodes).toHaveLength(10);
    expect(renewed.recoveryCodes).not.toContain(u.recoveryCodes[0]);
    await expect(disableTwoFactor({ actor: u.actor, code: u.recoveryCodes[0]! })).rejects.toMatchObject({ code: "UNPROCESSABLE" });
    expect(await disableTwoFactor({ actor: u.actor, code: renewed.recoveryCodes[0]! })).toEqual({ enabled: false });
    expect(await signInWithPassword({ email: u.email, password: u.password, ip: testIp(), userAgent: null })).toMatchObject({ ok: true });

    const v = await enrolledUser();
    await timePasses(v.id);
    const s = await signInWithPassword({ email: v.email, password: v.password, code: totpCode(v.secret, Date.now()), ip: testIp(), userAgent: null });
    expect(s.ok).toBe(true);
    const reset = await resetUserTwoFactor({ actor: testActor(), id: v.id });
    expect(reset.twoFactor).toBe(false);
    expect((await db.userSession.findFirstOrThrow({ where: { userId: v.id } })).endedAt).not.toBeNull();
    expect(await signInWithPassword({ email: v.email, password: v.password, ip: testIp(), userAgent: null })).toMatchObject({ ok: true });
    await expect(resetUserTwoFactor({ actor: testActor(), id: v.id })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("where the policy requires it, an admin cannot turn it off, and the status says enrolment is required", async () => {
    const before = await getSecurityPolicy();
    try {
      const admin = await enrolledUser("ADMIN");
      // Only an admin with a second factor of their own may require it (or a script with a token).
      const plain = await createUser({ actor: testActor(), input: { email: `plain-${unique()}@example.com`, role: "ADMIN" } });
      const plainActor: TActor = { type: "user", id: plain.user.id, label: plain.user.email, ip: testIp(), userAgent: null };
      await expect(setSecurityPolicy({ actor: plainActor, input: { ...before, adminTwoFactor: true } })).rejects.toMatchObject({ code: "UNPROCESSABLE", fields: { adminTwoFactor: expect.any(String) } });
      await setSecurityPolicy({ actor: admin.actor, input: { ...before, adminTwoFactor: true } });
      expect(await getTwoFactorStatus(admin.actor)).toMatchObject({ enabled: true, required: true, enrolmentRequired: false });
      await expect(disableTwoFactor({ actor: admin.actor, code: admin.recoveryCodes[0]! })).rejects.toMatchObject({ code: "FORBIDDEN" });
      const email = `admin-${unique()}@example.com`;
      const { user } = await createUser({ actor: testActor(), input: { email, role: "ADMIN" } });
      const bare: TActor = { type: "user", id: user.id, label: email, ip: testIp(), userAgent: null };
      expect(await getTwoFactorStatus(bare)).toMatchObject({ enabled: false, required: true, enrolmentRequired: true });
      // Its session may only enrol (the gate refuses every other permission); an enrolled admin's is whole.
      const meta = { ip: testIp(), userAgent: null };
      const { password } = await import("../users/reset-user-password").then((m) => m.resetUserPassword({ actor: testActor(), id: user.id }));
      const s = await signInWithPassword({ email, password, ...meta });
      expect(s.ok && (await principalOfSession(s.sessionId, meta))?.mustEnrolTwoFactor).toBe(true);
      await timePasses(admin.id);
      const t = await signInWithPassword({ email: admin.email, password: admin.password, code: totpCode(admin.secret, Date.now()), ...meta });
      expect(t.ok && (await principalOfSession(t.sessionId, meta))?.mustEnrolTwoFactor).toBe(false);
      await expect(startTwoFactorEnrolment({ actor: { ...testActor(), type: "token", id: "t" }, password: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    } finally {
      await setSecurityPolicy({ actor: testActor(), input: before });
    }
  });
});
