import "server-only";
import {
  lockedUntil,
  LOCKOUT_MS,
  LOGIN_WINDOW_MS,
  MAX_FAILURES_PER_ACCOUNT,
  MAX_FAILURES_PER_IP,
  minutesUntil,
} from "@/lib/domain/login-throttle";
import { mayUseLocalPassword } from "@/lib/domain/security/sso";
import { SESSION_ABSOLUTE_MS } from "@/lib/domain/session-policy";
import { ZSignIn } from "@/lib/schemas/user";
import { appendAudit, type TActor } from "../../audit";
import { db } from "../../db";
import { dummyPasswordHash, verifyPassword } from "../../passwords";
import { useSecondFactor, type TSecondFactor } from "../../two-factor";
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

/** Checks a password sign-in against the brute-force limits; on success opens a server-side session. */
export async function signInWithPassword(options: TSignInOptions): Promise<TSignInResult> {
  const { ip, userAgent } = options;
  const parsed = ZSignIn.safeParse({ email: options.email, password: options.password });
  const email = parsed.success ? parsed.data.email : String(options.email ?? "").slice(0, 254).toLowerCase();
  const anon: TActor = { type: "anonymous", id: null, label: email || "(no e-mail)", ip, userAgent };
  const now = new Date();

  const until = await currentLock(email, ip, now);
  if (until) {
    await db.$transaction((tx) =>
      appendAudit(tx, anon, { action: "auth.sign_in_refused", details: { reason: "locked", until: until.toISOString() } }),
    );
    return { ok: false, reason: "locked", minutes: minutesUntil(until, now) };
  }

  const user = parsed.success ? await db.user.findUnique({ where: { email } }) : null;
  const passwordOk = parsed.success && (await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), parsed.data.password));
  const ok = Boolean(user && passwordOk && !user.disabled);

  const refuse = async (reason: string, answer: TSignInResult): Promise<TSignInResult> => {
    await db.$transaction(async (tx) => {
      await tx.loginAttempt.create({ data: { email, ip, success: false, at: now } });
      await appendAudit(tx, anon, { action: "auth.sign_in_failed", details: { reason } });
    });
    const lockedNow = await currentLock(email, ip, now);
    return lockedNow ? { ok: false, reason: "locked", minutes: minutesUntil(lockedNow, now) } : answer;
  };

  if (!ok || !user) {
    return refuse(user?.disabled && passwordOk ? "disabled" : "unknown_or_bad_password", { ok: false, reason: "invalid" });
  }

  if (!mayUseLocalPassword(await getSsoSettings(), user.id)) {
    await db.$transaction((tx) => appendAudit(tx, anon, { action: "auth.sign_in_refused", details: { reason: "local_sign_in_off" } }));
    return { ok: false, reason: "local_off" };
  }

  let secondFactor: TSecondFactor | null = null;
  if (user.totpEnabledAt) {
    const code = typeof options.code === "string" ? options.code.trim().slice(0, 64) : "";
    if (!code) return { ok: false, reason: "second_factor" };
    secondFactor = await db.$transaction((tx) => useSecondFactor(tx, user, code, now));
    if (!secondFactor) return refuse("bad_second_factor", { ok: false, reason: "second_factor_invalid" });
  }

  const session = await db.$transaction(async (tx) => {
    await tx.loginAttempt.create({ data: { email, ip, success: true, at: now } });
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: now } });
    const s = await tx.userSession.create({
      data: { userId: user.id, ip, userAgent, expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS) },
    });
    const actor: TActor = { type: "user", id: user.id, label: user.email, ip, userAgent };
    const factor = secondFactor ? { secondFactor: secondFactor.kind, ...(secondFactor.kind === "recovery" ? { recoveryCodesLeft: secondFactor.left } : {}) } : { secondFactor: null };
    await appendAudit(tx, actor, { action: "auth.sign_in", targetType: "session", targetId: s.id, details: factor });
    return s;
  });
  return { ok: true, userId: user.id, email: user.email, name: user.name, sessionId: session.id };
}

/** The later of the account lock and the IP lock, or null. An account's failures before its last success do not count. */
export async function currentLock(email: string, ip: string, now: Date): Promise<Date | null> {
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS - LOCKOUT_MS);
  const lastSuccess = await db.loginAttempt.findFirst({
    where: { email, success: true, at: { gte: since } },
    orderBy: { at: "desc" },
    select: { at: true },
  });
  const [byAccount, byIp] = await Promise.all([
    db.loginAttempt.findMany({ where: { email, success: false, at: { gt: lastSuccess?.at ?? since } }, select: { at: true } }),
    db.loginAttempt.findMany({ where: { ip, success: false, at: { gte: since } }, select: { at: true } }),
  ]);
  const locks = [
    lockedUntil(byAccount.map((a) => a.at), MAX_FAILURES_PER_ACCOUNT, now),
    lockedUntil(byIp.map((a) => a.at), MAX_FAILURES_PER_IP, now),
  ].filter((d): d is Date => d !== null);
  return locks.length ? new Date(Math.max(...locks.map((d) => d.getTime()))) : null;
}
