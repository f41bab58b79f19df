import "server-only";
import { ssoSettings, type TSsoSettings } from "@/lib/domain/security/sso";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";
import { AppError } from "../../errors";
import { oidcEnv } from "../../env";

/** The single sign-on settings in force, and whether a provider is configured (by environment). */
export async function getSsoSettings(): Promise<TSsoSettings> {
  return ssoSettings((await db.fleetState.findUnique({ where: { id: 1 }, select: { sso: true } }))?.sso);
}

export async function getSso() {
  const oidc = oidcEnv();
  return { ...(await getSsoSettings()), provider: oidc ? { issuer: oidc.issuer, name: oidc.name, groupsClaim: oidc.groupsClaim } : null };
}

/** Replaces the role mappings and the local sign-in setting; audited with before and after. */
export async function setSsoSettings({ actor, input }: { actor: TActor; input: TSsoSettings }) {
  await change(async (tx) => {
    if (input.breakGlassUserId) {
      const u = await tx.user.findUnique({ where: { id: input.breakGlassUserId }, select: { role: true, disabled: true, oidcSubject: true } });
      if (!u || u.role !== "ADMIN" || u.disabled) throw new AppError("UNPROCESSABLE", "The break-glass user must be an active admin.", { breakGlassUserId: "is not an active admin" });
      if (u.oidcSubject) throw new AppError("UNPROCESSABLE", "The break-glass admin must be a local account.", { breakGlassUserId: "signs in through single sign-on, not with a local password" });
    }
    if (input.localSignIn === "break-glass" && !oidcEnv()) throw new AppError("UNPROCESSABLE", "Single sign-on is not configured: local sign-in stays on for everyone.", { localSignIn: "needs FLEETWARD_OIDC_ISSUER" });
    const before = ssoSettings((await tx.fleetState.findUnique({ where: { id: 1 }, select: { sso: true } }))?.sso);
    await tx.fleetState.upsert({ where: { id: 1 }, create: { id: 1, sso: input }, update: { sso: input } });
    await appendAudit(tx, actor, { action: "security.sso_update", targetType: "sso", details: { before, after: input } });
  });
  return getSso();
}
