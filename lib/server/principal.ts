import "server-only";
import type { TRole } from "@/lib/domain/permissions";
import { mustEnrolTwoFactor } from "@/lib/domain/security/policy";
import { sessionState } from "@/lib/domain/session-policy";
import type { TActor } from "./audit";
import { db } from "./db";
import { hashApiToken, looksLikeApiToken } from "./api-tokens";
import { endSession } from "./services/auth/end-session";
import { getSecurityPolicy } from "./services/security/security-policy";

const TOUCH_EVERY_MS = 60_000;

/**
 * An authenticated caller: who, with which role, and (for browsers) which session. `mustEnrolTwoFactor`: the policy
 * requires a second factor this user has not enrolled; until then only the account's own routes are open.
 */
export type TPrincipal = { actor: TActor; role: TRole; sessionId: string | null; mustEnrolTwoFactor?: boolean };

type TMeta = { ip: string; userAgent: string | null };

/** A bearer API token, or null when the header carries none; throws nothing, a bad token is simply no one. */
export async function principalFromToken(authorization: string | null, meta: TMeta): Promise<TPrincipal | null> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!m?.[1] || !looksLikeApiToken(m[1])) return null;
  const token = await db.apiToken.findUnique({ where: { tokenHash: hashApiToken(m[1]) } });
  if (!token || token.revokedAt) return null;
  if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date() } });
  }
  return { actor: { type: "token", id: token.id, label: token.name, ...meta }, role: token.role, sessionId: null };
}

/** The principal of a signed-in browser session (its id from the cookie), enforcing 30 min idle and 8 h absolute expiry, revocation and disabled users. */
export async function principalOfSession(sid: string | undefined, meta: TMeta): Promise<TPrincipal | null> {
  if (!sid || !/^[0-9a-f-]{36}$/.test(sid)) return null;
  const row = await db.userSession.findUnique({ where: { id: sid }, include: { user: true } });
  if (!row) return null;
  const now = Date.now();
  const actor: TActor = { type: "user", id: row.user.id, label: row.user.email, ...meta };
  const state = sessionState(row, new Date(now));
  if (state === "ended") return null;
  if (state !== "active" || row.user.disabled) {
    await endSession(row.id, actor, state !== "active" ? state : "user_disabled");
    return null;
  }
  if (now - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.userSession.update({ where: { id: row.id }, data: { lastSeenAt: new Date(now) } });
  }
  // The policy is read only for the few it could concern: admins without a second factor.
  const mustEnrol = row.user.role === "ADMIN" && !row.user.totpEnabledAt && mustEnrolTwoFactor(await getSecurityPolicy(), row.user);
  return { actor, role: row.user.role, sessionId: row.id, mustEnrolTwoFactor: mustEnrol };
}
