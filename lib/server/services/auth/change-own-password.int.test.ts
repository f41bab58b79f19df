import { afterAll, describe, expect, it } from "vitest";
import { MAX_FAILURES_PER_ACCOUNT } from "@/lib/domain/login-throttle";
import { ZPasswordChange } from "@/lib/schemas/user";
import type { TActor } from "../../audit";
import { db, disconnectDb } from "../../db";
import { principalOfSession } from "../../principal";
import { testActor, testIp, unique } from "../../testing/fixtures";
import { mintLiveCredential } from "../live/mint-live-credential";
import { createUser } from "../users/create-user";
import { changeOwnPassword } from "./change-own-password";
import { signInWithPassword } from "./sign-in-with-password";

afterAll(() => disconnectDb());

const NEW = "a long new passphrase for me";

async function signedInTwice() {
  const email = `pw-${unique()}@example.com`;
  const { user, password } = await createUser({ actor: testActor(), input: { email, role: "OPERATOR" } });
  const meta = { ip: testIp(), userAgent: "vitest" };
  const here = await signInWithPassword({ email, password, ...meta });
  const elsewhere = await signInWithPassword({ email, password, ip: testIp(), userAgent: "elsewhere" });
  if (!here.ok || !elsewhere.ok) throw new Error("sign-in failed");
  const actor: TActor = { type: "user", id: user.id, label: email, ...meta };
  return { user, email, password, actor, here: here.sessionId, elsewhere: elsewhere.sessionId, meta };
}

describe("changing one's own password", () => {
  it("needs the current password, ends the other sessions and their live credentials, keeps this one, and is audited", async () => {
    const u = await signedInTwice();
    const live = await mintLiveCredential({ actor: u.actor, role: "OPERATOR", sessionId: u.elsewhere });
    const result = await changeOwnPassword({ actor: u.actor, sessionId: u.here, input: { currentPassword: u.password, newPassword: NEW } });
    expect(result).toEqual({ changed: true, sessionsEnded: 1 });
    expect(await principalOfSession(u.here, u.meta)).not.toBeNull();
    expect(await principalOfSession(u.elsewhere, u.meta)).toBeNull();
    expect(await db.liveCredential.count({ where: { username: live.username } })).toBe(0);
    expect(await signInWithPassword({ email: u.email, password: u.password, ip: testIp(), userAgent: null })).toEqual({ ok: false, reason: "invalid" });
    expect((await signInWithPassword({ email: u.email, password: NEW, ip: testIp(), userAgent: null })).ok).toBe(true);
    const events = await db.auditEvent.findMany({ where: { targetId: u.user.id, action: "user.password_change" } });
    expect(events.map((e) => [e.actorLabel, e.details])).toEqual([[u.email, { sessionsEnded: 1 }]]);
    expect(JSON.stringify((await db.auditEvent.findMany({ where: { actorLabel: u.email } })).map((e) => e.details))).not.toContain(NEW);
  });

  it("refuses a wrong current password beside the field, counted towards the lockout, changing nothing", async () => {
    const u = await signedInTwice();
    const attempt = () => changeOwnPassword({ actor: u.actor, sessionId: u.here, input: { currentPassword: "not it", newPassword: NEW } });
    await expect(attempt()).rejects.toMatchObject({ code: "UNPROCESSABLE", fields: { currentPassword: "is not your current password" } });
    expect(await db.loginAttempt.count({ where: { email: u.email, success: false } })).toBe(1);
    expect(await db.auditEvent.count({ where: { targetId: u.user.id, action: "user.password_change_refused" } })).toBe(1);
    expect(await principalOfSession(u.elsewhere, u.meta)).not.toBeNull();
    // Wrong ones at once: no more are checked than the lockout allows, then even the right one is refused.
    const settled = await Promise.allSettled(Array.from({ length: 8 }, attempt));
    expect(settled.filter((s) => s.status === "rejected" && (s.reason as { code: string }).code === "UNPROCESSABLE").length).toBe(MAX_FAILURES_PER_ACCOUNT - 1);
    await expect(changeOwnPassword({ actor: u.actor, sessionId: u.here, input: { currentPassword: u.password, newPassword: NEW } })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      fields: { currentPassword: "too many failed attempts" },
    });
    expect(await signInWithPassword({ email: u.email, password: u.password, ip: testIp(), userAgent: null })).toMatchObject({ ok: false, reason: "locked" });
  });

  it("holds the new password to the policy, and a right current password with a refused new one costs no attempt", async () => {
    expect(ZPasswordChange.safeParse({ currentPassword: "x", newPassword: "short" }).error?.issues[0]).toMatchObject({ path: ["newPassword"], message: "must be at least 12 characters" });
    const u = await signedInTwice();
    const change = (newPassword: string) => changeOwnPassword({ actor: u.actor, sessionId: u.here, input: { currentPassword: u.password, newPassword } });
    await expect(change(u.password)).rejects.toMatchObject({ code: "UNPROCESSABLE", fields: { newPassword: "must differ from your current password" } });
    await expect(change(`${u.email} is mine`)).rejects.toMatchObject({ code: "UNPROCESSABLE", fields: { newPassword: "must not contain your e-mail address" } });
    expect(await db.loginAttempt.count({ where: { email: u.email, success: false } })).toBe(0);
    expect((await signInWithPassword({ email: u.email, password: u.password, ip: testIp(), userAgent: null })).ok).toBe(true);
  });

  it("says a single sign-on user has no password of their own, and refuses API tokens", async () => {
    const u = await signedInTwice();
    await db.user.update({ where: { id: u.user.id }, data: { oidcSubject: `https://idp.example|${unique()}` } });
    await expect(changeOwnPassword({ actor: u.actor, sessionId: u.here, input: { currentPassword: u.password, newPassword: NEW } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/^You sign in with single sign-on/),
    });
    const token: TActor = { ...testActor(), type: "token", id: "t" };
    await expect(changeOwnPassword({ actor: token, sessionId: null, input: { currentPassword: "x", newPassword: NEW } })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
