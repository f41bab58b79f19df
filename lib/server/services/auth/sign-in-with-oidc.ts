import "server-only";
import { randomBytes } from "node:crypto";
import { groupsOf, roleForGroups } from "@/lib/domain/security/sso";
import { SESSION_ABSOLUTE_MS } from "@/lib/domain/session-policy";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import type { TTx } from "../../db";
import type { TOidcConfig } from "../../env";
import { hashPassword } from "../../passwords";
import { getSsoSettings } from "./sso-settings";
import { idTokenProblem } from "./verify-id-token";

export type TOidcSignIn = { ok: true; userId: string; sessionId: string } | { ok: false; reason: "bad_token" | "no_role" | "disabled" | "email_taken" | "no_email" };

/**
 * A sign-in through the OpenID Connect provider, after next-auth checked the ID token (issuer, audience, signature,
 * expiry, nonce). The groups claim decides the role through the role mappings; an identity with no mapped group is
 * refused. The user is created on first sign-in (an e-mail a local account holds is refused, not linked) and their
 * role follows their groups on each sign-in. Audited with the
 * claims used (issuer, subject, e-mail, groups), never the tokens.
 */
export async function signInWithOidc(oidc: TOidcConfig, claims: Record<string, unknown>, meta: { ip: string; userAgent: string | null }, idToken?: unknown): Promise<TOidcSignIn> {
  const iss = String(claims.iss ?? oidc.issuer);
  const sub = String(claims.sub ?? "");
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase().slice(0, 254) : "";
  const groups = groupsOf(claims, oidc.groupsClaim).slice(0, 200);
  const used = { iss, sub, email, groups };
  const role = roleForGroups(groups, (await getSsoSettings()).roleMappings);
  const subject = `${iss}|${sub}`;
  // Until the user is known, the claims are details of an anonymous actor, never its label (which the audit's
  // actor filter trusts as a name): a refused token's claims are whatever its sender wrote.
  const anon: TActor = { type: "anonymous", id: null, label: "anonymous", ip: meta.ip, userAgent: meta.userAgent };
  type TReason = Exclude<TOidcSignIn, { ok: true }>["reason"];
  /** Every refusal is audited alike: the reason and the claims used (and the token's problem, if any). */
  const refusal = async (tx: TTx, reason: TReason, extra: Record<string, unknown> = {}) => {
    await appendAudit(tx, anon, { action: "auth.sign_in_refused", details: { method: "oidc", reason, ...extra, claims: used } });
    return { ok: false as const, reason };
  };
  const refuse = (reason: TReason, extra?: Record<string, unknown>) => change((tx) => refusal(tx, reason, extra));
  const problem = idToken === undefined ? null : await idTokenProblem(oidc, idToken);
  if (problem) return refuse("bad_token", { problem });
  if (!role) return refuse("no_role");
  if (!email) return refuse("no_email");
  // Never a usable password: this user signs in through the provider only.
  const passwordHash = await hashPassword(randomBytes(32).toString("base64url"));
  const now = new Date();
  return change(async (tx) => {
    let user = await tx.user.findUnique({ where: { oidcSubject: subject } });
    if (!user && (await tx.user.findUnique({ where: { email }, select: { id: true } }))) return refusal(tx, "email_taken");
    if (user?.disabled) return refusal(tx, "disabled");
    const actor = (u: { id: string; email: string }): TActor => ({ type: "user", id: u.id, label: u.email, ip: meta.ip, userAgent: meta.userAgent });
    if (!user) {
      user = await tx.user.create({ data: { email, name: typeof claims.name === "string" ? claims.name.slice(0, 200) : null, role, passwordHash, oidcSubject: subject } });
      await appendAudit(tx, actor(user), { action: "user.sso_create", targetType: "user", targetId: user.id, details: { role, claims: used } });
    } else if (user.role !== role) {
      await appendAudit(tx, actor(user), { action: "user.sso_role_change", targetType: "user", targetId: user.id, details: { before: user.role, after: role, claims: used } });
      user = await tx.user.update({ where: { id: user.id }, data: { role } });
    }
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: now } });
    const s = await tx.userSession.create({ data: { userId: user.id, ip: meta.ip, userAgent: meta.userAgent, expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS) } });
    await appendAudit(tx, actor(user), { action: "auth.sign_in", targetType: "session", targetId: s.id, details: { method: "oidc", role, claims: used } });
    return { ok: true as const, userId: user.id, sessionId: s.id };
  });
}
