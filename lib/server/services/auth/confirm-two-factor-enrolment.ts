import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError } from "../../errors";
import { matchesSealedTotp, newRecoveryCodes } from "../../two-factor";
import { twoFactorUser } from "./two-factor-user";

/**
 * Turns two-factor authentication on once a code from the pending secret proves the authenticator holds it. The
 * recovery codes are returned here, once; only their hashes are kept.
 */
export async function confirmTwoFactorEnrolment({ actor, code }: { actor: TActor; code: string }) {
  const now = new Date();
  const { codes, hashes } = newRecoveryCodes();
  return change(async (tx) => {
    const u = await twoFactorUser(tx, actor);
    if (u.totpEnabledAt) throw new AppError("CONFLICT", "Two-factor authentication is already on.");
    if (!u.totpPendingSealed) throw new AppError("CONFLICT", "No enrolment is pending: start one first.");
    const step = matchesSealedTotp(u.id, u.totpPendingSealed, code, now);
    if (step === null) {
      throw new AppError("UNPROCESSABLE", "The code does not match: check the authenticator's clock and type the code it shows now.", { code: "does not match the new authenticator" });
    }
    await tx.user.update({
      where: { id: u.id },
      data: { totpSecretSealed: u.totpPendingSealed, totpPendingSealed: null, totpEnabledAt: now, totpLastStep: step, recoveryCodeHashes: hashes },
    });
    await appendAudit(tx, actor, { action: "user.two_factor_enable", targetType: "user", targetId: u.id, details: { recoveryCodes: hashes.length } });
    return { enabled: true, enabledAt: now.toISOString(), recoveryCodes: codes };
  });
}
