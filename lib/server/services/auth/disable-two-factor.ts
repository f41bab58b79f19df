import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";
import { AppError } from "../../errors";
import { useSecondFactor } from "../../two-factor";
import { getSecurityPolicy } from "../security/security-policy";
import { twoFactorUser } from "./two-factor-user";
import { withProofOfIdentity, WRONG_PROOF } from "./with-proof-of-identity";

/** A wrong code, beside the field; counted against the sign-in lockout like a wrong code at sign-in. */
export const WRONG_CODE = { message: "The code was refused.", reason: "is not a current code or an unused recovery code", audited: "wrong_code" };

/** The proof a second-factor action asks: a code, reserved as a sign-in attempt before it is checked. */
export async function codeProof(actor: TActor, purpose: string) {
  const user = await db.$transaction((tx) => twoFactorUser(tx, actor), { maxWait: 10_000 });
  return { actor, user, field: "code", refusedAction: "user.two_factor_code_refused", purpose, wrong: WRONG_CODE };
}

/** Turns the signed-in user's second factor off, proven by a current code or a recovery code; refused where the policy requires one. */
export async function disableTwoFactor({ actor, code }: { actor: TActor; code: string }) {
  return withProofOfIdentity(await codeProof(actor, "disable"), () =>
    change(async (tx) => {
      const u = await twoFactorUser(tx, actor);
      if (!u.totpEnabledAt) throw new AppError("CONFLICT", "Two-factor authentication is not on.");
      const policy = await getSecurityPolicy(tx);
      if (policy.adminTwoFactor && u.role === "ADMIN") throw new AppError("FORBIDDEN", "The security policy requires two-factor authentication for admins.");
      const used = await useSecondFactor(tx, u, code, new Date());
      if (!used) return WRONG_PROOF;
      await tx.user.update({ where: { id: u.id }, data: { totpSecretSealed: null, totpEnabledAt: null, totpLastStep: null, recoveryCodeHashes: [] } });
      await appendAudit(tx, actor, { action: "user.two_factor_disable", targetType: "user", targetId: u.id, details: { provedWith: used.kind } });
      return { enabled: false };
    }),
  );
}
