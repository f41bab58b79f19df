import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError } from "../../errors";
import { useSecondFactor } from "../../two-factor";
import { getSecurityPolicy } from "../security/security-policy";
import { twoFactorUser } from "./two-factor-user";

const CODE_REFUSED = { code: "is not a current code or an unused recovery code" };

/** Turns the signed-in user's second factor off, proven by a current code or a recovery code; refused where the policy requires one. */
export async function disableTwoFactor({ actor, code }: { actor: TActor; code: string }) {
  return change(async (tx) => {
    const u = await twoFactorUser(tx, actor);
    if (!u.totpEnabledAt) throw new AppError("CONFLICT", "Two-factor authentication is not on.");
    const policy = await getSecurityPolicy(tx);
    if (policy.adminTwoFactor && u.role === "ADMIN") throw new AppError("FORBIDDEN", "The security policy requires two-factor authentication for admins.");
    const used = await useSecondFactor(tx, u, code, new Date());
    if (!used) throw new AppError("UNPROCESSABLE", "The code was refused.", CODE_REFUSED);
    await tx.user.update({ where: { id: u.id }, data: { totpSecretSealed: null, totpEnabledAt: null, totpLastStep: null, recoveryCodeHashes: [] } });
    await appendAudit(tx, actor, { action: "user.two_factor_disable", targetType: "user", targetId: u.id, details: { provedWith: used.kind } });
    return { enabled: false };
  });
}

export { CODE_REFUSED };
