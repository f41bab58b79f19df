import { afterAll, describe, expect, it } from "vitest";
import { base32Decode, totpCode } from "@/lib/domain/totp";
import { MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_IP } from "@/lib/domain/login-throttle";
import type { TActor } from "../../audit";
import { db, disconnectDb } from "../../db";
import { testActor, testIp, unique } from "../../testing/fixtures";
import { createUser } from "../users/create-user";
import { confirmTwoFactorEnrolment } from "./confirm-two-factor-enrolment";
import { disableTwoFactor } from "./disable-two-factor";
import { signInWithPassword, type TSignInResult } from "./sign-in-with-password";
import { startTwoFactorEnrolment } from "./start-two-factor-enrolment";

afterAll(() => disconnectDb());

// The lockout must hold however many attempts arrive at once: each attempt is reserved (and counted) before its
// password or code is checked, so no more checks run than the limit allows. Every check leaves one LoginAttempt row.

async function newUser() {
  const email = `race-${unique()}@example.com`;
  const { user, password } = await createUser({ actor: testActor(), input: { email, role: "OPERATOR" } });
  return { id: user.id, email, password };
}

const checks = (email: string) => db.loginAttempt.count({ where: { email } });
const locked = (rs: TSignInResult[]) => rs.filter((r) => !r.ok && r.reason === "locked").length;

describe("sign-in lockout under concurrency", () => {
  it("12 at once, 11 wrong and the right one last: at most 5 passwords are checked, every attempt is audited", async () => {
    const { email, password } = await newUser();
    const ip = testIp();
    const passwords = [...Array.from({ length: 11 }, (_, i) => `wrong-${i}`), password];
    const results = await Promise.all(passwords.map((p) => signInWithPassword({ email, password: p, ip, userAgent: "race" })));
    const checked = await checks(email);
    expect(checked).toBeLessThanOrEqual(MAX_FAILURES_PER_ACCOUNT);
    expect(locked(results)).toBeGreaterThanOrEqual(12 - checked);
    // The attempts beyond the limit were refused before any check, and each left an event: a failure or refusal names
    // what was typed; a success (the right password may be among the first checked) is the user's own.
    const events = await db.auditEvent.findMany({ where: { action: { startsWith: "auth.sign_in" }, OR: [{ details: { path: ["email"], equals: email } }, { action: "auth.sign_in", actorLabel: email }] } });
    expect(events).toHaveLength(12);
    expect(events.filter((e) => e.action === "auth.sign_in_refused")).toHaveLength(12 - checked);
    // Whatever the order, the right password cannot open a session once the limit is spent.
    expect(await signInWithPassword({ email, password, ip, userAgent: "race" })).toMatchObject({ ok: false, reason: "locked" });
  });

  it("30 wrong at once on one account: exactly 5 checks, 25 refusals", async () => {
    const { email } = await newUser();
    const ip = testIp();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => signInWithPassword({ email, password: `bad-${i}`, ip, userAgent: null })));
    expect(await checks(email)).toBe(MAX_FAILURES_PER_ACCOUNT);
    expect(locked(results)).toBeGreaterThanOrEqual(30 - MAX_FAILURES_PER_ACCOUNT);
    expect(results.every((r) => !r.ok)).toBe(true);
  });

  it("30 accounts at once from one address: at most 20 checks", async () => {
    const ip = testIp();
    const emails = Array.from({ length: 30 }, () => `nobody-${unique()}@example.com`);
    await Promise.all(emails.map((email) => signInWithPassword({ email, password: "x", ip, userAgent: null })));
    expect(await db.loginAttempt.count({ where: { ip } })).toBe(MAX_FAILURES_PER_IP);
  });

  it("12 second-factor codes at once after the right password: at most 5 codes are checked", async () => {
    const { id, email, password } = await newUser();
    const actor: TActor = { type: "user", id, label: email, ip: testIp(), userAgent: null };
    const secret = base32Decode((await startTwoFactorEnrolment({ actor, password })).secret);
    await confirmTwoFactorEnrolment({ actor, code: totpCode(secret, Date.now()) });
    await db.loginAttempt.deleteMany({ where: { email } });
    const ip = testIp();
    const right = new Set([-1, 0, 1].map((s) => totpCode(secret, Date.now() + s * 30_000)));
    const wrong = Array.from({ length: 100 }, (_, i) => String(100_000 + i * 7919).padStart(6, "0")).filter((c) => !right.has(c)).slice(0, 12);
    const results = await Promise.all(wrong.map((code) => signInWithPassword({ email, password, code, ip, userAgent: null })));
    expect(await checks(email)).toBeLessThanOrEqual(MAX_FAILURES_PER_ACCOUNT);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(await signInWithPassword({ email, password, code: totpCode(secret, Date.now() + 30_000), ip, userAgent: null })).toMatchObject({ ok: false, reason: "locked" });
  });

  it("12 codes at once to turn the second factor off: at most 5 are checked, then it is refused as locked", async () => {
    const { id, email, password } = await newUser();
    const actor: TActor = { type: "user", id, label: email, ip: testIp(), userAgent: null };
    const secret = base32Decode((await startTwoFactorEnrolment({ actor, password })).secret);
    await confirmTwoFactorEnrolment({ actor, code: totpCode(secret, Date.now()) });
    const right = new Set([-1, 0, 1].map((s) => totpCode(secret, Date.now() + s * 30_000)));
    const wrong = Array.from({ length: 100 }, (_, i) => String(200_000 + i * 7919).padStart(6, "0")).filter((c) => !right.has(c)).slice(0, 12);
    const settled = await Promise.allSettled(wrong.map((code) => disableTwoFactor({ actor, code })));
    const codes = settled.map((s) => (s.status === "rejected" ? (s.reason as { code?: string }).code : "ok"));
    expect(codes.filter((c) => c === "UNPROCESSABLE").length).toBeLessThanOrEqual(MAX_FAILURES_PER_ACCOUNT);
    expect(codes.filter((c) => c === "TOO_MANY_REQUESTS").length).toBeGreaterThanOrEqual(12 - MAX_FAILURES_PER_ACCOUNT);
    await expect(disableTwoFactor({ actor, code: totpCode(secret, Date.now() + 30_000) })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect((await db.user.findUniqueOrThrow({ where: { id } })).totpEnabledAt).not.toBeNull();
  });
});
