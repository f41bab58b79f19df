import "server-only";
import { minutesUntil } from "@/lib/domain/login-throttle";
import { mayUseLocalPassword } from "@/lib/domain/security/sso";
import { SESSION_ABSOLUTE_MS } from "@/lib/domain/session-policy";
import type { User } from "@/lib/generated/prisma/client";
import { ZSignIn } from "@/lib/schemas/user";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";
import { dummyPasswordHash, verifyPassword } from "../../passwords";
import { useSecondFactor, type TSecondFactor } from "../../two-factor";
import { currentLock, releaseLoginAttempt, reserveLoginAttempt, succeedLoginAttempt } from "./reserve-login-attempt";
import { getSsoSettings } from "./sso-settings";

/** `code`: the second factor (a TOTP code or a recovery code), for users who enrolled one. */
export type TSignInOptions = { email: unknown; password: unknown; code?: unknown; ip: string; userAgent: string | null };

export type TSignInResult =
  | { ok: true; userId: string; email: string; name: string | null; sessionId: string }
  | { ok: false; reason: "invalid" }
  /** The password was right; the user has a second factor and gave no code. */
  | { ok: false; reason: "second_factor" }
  | { ok: false; reason: "second_factor_invalid" }
  | { ok: false; reason: "locked"; minutes: number }
  /** The password was right, but local sign-in is kept for the break-glass admin: use single sign-on. */
  | { ok: false; reason: "local_off" };

/**
 * Checks a password sign-in against the brute-force limits; on success opens a server-side session. The attempt
 * is reserved before the password or the code is checked (see reserveLoginAttempt), so the limits hold however
 * many attempts arrive at once. Every success, failure and refusal is audited.
 */
export async function signInWithPassword(options: TSignInOptions): Promise<TSignInResult> {
  const { ip, userAgent } = options;
  const parsed = ZSignIn.safeParse({ email: options.email, password: options.password });
  const email = parsed.success ? parsed.data.email : String(options.email ?? "").slice(0, 254).toLowerCase();
  // Nobody is known yet: what was typed is a detail of an anonymous actor, never its label, so that typing
  // "cli:root" or someone's e-mail cannot pass for them in the audit's actor filter.
  const anon: TActor = { type: "anonymous", id: null, label: "anonymous", ip, userAgent };
  const audit = (action: string, details: Record<string, unknown>) =>
    change((tx) => appendAudit(tx, anon, { action, details: { email, ...details } }));
  const now = new Date();
  const locked = (until: Date) => ({ ok: false as const, reason: "locked" as const, minutes: minutesUntil(until, now) });

  const reservation = await reserveLoginAttempt({ email, ip, now });
  if ("until" in reservation) {
    await audit("auth.sign_in_refused", { reason: "locked", until: reservation.until.toISOString() });
    return locked(reservation.until);
  }
  const attempt = reservation.id;
  /** The reserved attempt stays a failure; the one that reaches a limit answers "locked". */
  const refuse = async (reason: string, answer: TSignInResult): Promise<TSignInResult> => {
    await audit("auth.sign_in_failed", { reason });
    const lockedNow = await currentLock(db, email, ip, now);
    return lockedNow ? locked(lockedNow) : answer;
  };

  const user = parsed.success ? await db.user.findUnique({ where: { email } }) : null;
  const passwordOk = parsed.success && (await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), parsed.data.password));
  if (!user || !passwordOk || user.disabled) {
    return refuse(user?.disabled && passwordOk ? "disabled" : "unknown_or_bad_password", { ok: false, reason: "invalid" });
  }

  if (!mayUseLocalPassword(await getSsoSettings(), user.id)) {
    await releaseLoginAttempt(attempt);
    await audit("auth.sign_in_refused", { reason: "local_sign_in_off" });
    return { ok: false, reason: "local_off" };
  }

  let secondFactor: TSecondFactor | null = null;
  if (user.totpEnabledAt) {
    const code = typeof options.code === "string" ? options.code.trim().slice(0, 64) : "";
    // The right password alone is not a failure (the login page asks for the code next), nor a success.
    if (!code) return (await releaseLoginAttempt(attempt), { ok: false, reason: "second_factor" });
    secondFactor = await change((tx) => useSecondFactor(tx, user, code, now));
    if (!secondFactor) return refuse("bad_second_factor", { ok: false, reason: "second_factor_invalid" });
  }

  const sessionId = await openSession(user, attempt, secondFactor, { ip, userAgent, now });
  return { ok: true, userId: user.id, email: user.email, name: user.name, sessionId };
}

/** The session, the attempt's success and the audit event, in one transaction. */
async function openSession(user: User, attempt: bigint, secondFactor: TSecondFactor | null, meta: { ip: string; userAgent: string | null; now: Date }) {
  const { ip, userAgent, now } = meta;
  return change(async (tx) => {
    await succeedLoginAttempt(tx, attempt);
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: now } });
    const s = await tx.userSession.create({
      data: { userId: user.id, ip, userAgent, expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS) },
    });
    const actor: TActor = { type: "user", id: user.id, label: user.email, ip, userAgent };
    const factor = secondFactor ? { secondFactor: secondFactor.kind, ...(secondFactor.kind === "recovery" ? { recoveryCodesLeft: secondFactor.left } : {}) } : { secondFactor: null };
    await appendAudit(tx, actor, { action: "auth.sign_in", targetType: "session", targetId: s.id, details: factor });
    return s.id;
  });
}
