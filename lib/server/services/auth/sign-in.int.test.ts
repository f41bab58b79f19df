import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../db";
import { testActor, testIp, unique } from "../../testing/fixtures";
import { findAuditEvents } from "../audit/find-audit-events";
import { createUser } from "../users/create-user";
import { signInWithPassword } from "./sign-in-with-password";

afterAll(() => disconnectDb());

/** Anonymous attempts keep the e-mail typed as a detail. */
const typed = (email: string) => ({ details: { path: ["email"], equals: email } });

async function newUser() {
  const email = `signin-${unique()}@example.com`;
  const { password } = await createUser({ actor: testActor(), input: { email, role: "OPERATOR" } });
  return { email, password };
}

describe("password sign-in", () => {
  it("opens a server-side session and audits success and failure with IP and user agent", async () => {
    const { email, password } = await newUser();
    const ip = testIp();
    expect((await signInWithPassword({ email, password: "wrong", ip, userAgent: "ua-test" })).ok).toBe(false);
    const ok = await signInWithPassword({ email: email.toUpperCase(), password, ip, userAgent: "ua-test" });
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    const session = await db.userSession.findUniqueOrThrow({ where: { id: ok.sessionId } });
    expect(session.expiresAt.getTime() - session.createdAt.getTime()).toBeCloseTo(8 * 3600_000, -4);
    const events = await db.auditEvent.findMany({ where: { OR: [{ actorLabel: email }, typed(email)] }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.action, e.actorType, e.actorLabel])).toEqual([["auth.sign_in_failed", "anonymous", "anonymous"], ["auth.sign_in", "user", email]]);
    expect(events.every((e) => e.ip === ip && e.userAgent === "ua-test")).toBe(true);
    expect(JSON.stringify(events.map((e) => e.details))).not.toContain(password);
  });

  it("locks an account after 5 failures, refusing even the right password", async () => {
    const { email, password } = await newUser();
    const ip = testIp();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await signInWithPassword({ email, password: `bad-${i}`, ip, userAgent: null }));
    expect(results.slice(0, 4).every((r) => !r.ok && r.reason === "invalid")).toBe(true);
    expect(results[4]).toEqual({ ok: false, reason: "locked", minutes: 15 });
    const right = await signInWithPassword({ email, password, ip: testIp(), userAgent: null });
    expect(right).toMatchObject({ ok: false, reason: "locked" });
    expect(await db.auditEvent.count({ where: { ...typed(email), action: "auth.sign_in_refused" } })).toBe(1);
  });

  it("locks an IP after 20 failures across accounts, but not other IPs", async () => {
    const ip = testIp();
    for (let i = 0; i < 20; i++) await signInWithPassword({ email: `nobody-${unique()}@example.com`, password: "x", ip, userAgent: null });
    const { email, password } = await newUser();
    expect(await signInWithPassword({ email, password, ip, userAgent: null })).toMatchObject({ ok: false, reason: "locked" });
    expect((await signInWithPassword({ email, password, ip: testIp(), userAgent: null })).ok).toBe(true);
  });

  it("refuses disabled users and malformed input without a session", async () => {
    const { email, password } = await newUser();
    await db.user.update({ where: { email }, data: { disabled: true } });
    expect(await signInWithPassword({ email, password, ip: testIp(), userAgent: null })).toEqual({ ok: false, reason: "invalid" });
    expect(await signInWithPassword({ email: { $ne: 1 }, password: ["x"], ip: testIp(), userAgent: null })).toEqual({ ok: false, reason: "invalid" });
    const user = await db.user.findUniqueOrThrow({ where: { email }, include: { sessions: true } });
    expect(user.sessions).toHaveLength(0);
  });

  it("keeps what an anonymous caller typed as a detail, never as the actor's label: typing cli:root cannot pass for the CLI", async () => {
    const ip = testIp();
    const before = (await db.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } }))?.id ?? BigInt(0);
    expect(await signInWithPassword({ email: "cli:root", password: "x", ip, userAgent: null })).toEqual({ ok: false, reason: "invalid" });
    expect(await signInWithPassword({ email: "Admin@Example.com", password: "x", ip, userAgent: null })).toEqual({ ok: false, reason: "invalid" });
    const mine = await db.auditEvent.findMany({ where: { id: { gt: before }, ip } });
    expect(mine.map((e) => [e.actorType, e.actorLabel, (e.details as { email?: string }).email])).toEqual([
      ["anonymous", "anonymous", "cli:root"],
      ["anonymous", "anonymous", "admin@example.com"],
    ]);
    expect(await db.auditEvent.count({ where: { id: { gt: before }, actorLabel: { in: ["cli:root", "admin@example.com"] } } })).toBe(0);
    // The audit's actor filter finds real actors only; free text still finds what was typed.
    const byActor = await findAuditEvents({ actor: "cli:root", limit: 100 });
    expect(byActor.items.filter((e) => e.ip === ip)).toEqual([]);
    const byText = await findAuditEvents({ q: "cli:root", limit: 100 });
    expect(byText.items.filter((e) => e.ip === ip).map((e) => e.details)).toEqual([expect.objectContaining({ email: "cli:root" })]);
  });
});
