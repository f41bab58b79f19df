import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError } from "../../errors";
import { newRecoveryCodes, useSecondFactor } from "../../two-factor";
import { CODE_REFUSED } from "./disable-two-factor";
import { twoFactorUser } from "./two-factor-user";

/** Ten new recovery codes (shown once) in place of the old ones, proven by a current code. */
export async function regenerateRecoveryCodes({ actor, code }: { actor: TActor; code: string }) {
  const { codes, hashes } = newRecoveryCodes();
  return change(async (tx) => {
    const u = await twoFactorUser(tx, actor);
    if (!u.totpEnabledAt) throw new AppError("CONFLICT", "Two-factor authentication is not on.");
    if (!(await useSecondFactor(tx, u, code, new Date()))) throw new AppError("UNPROCESSABLE", "The code was refused.", CODE_REFUSED);
    await tx.user.update({ where: { id: u.id }, data: { recoveryCodeHashes: hashes } });
    await appendAudit(tx, actor, { action: "user.recovery_codes_regenerate", targetType: "user", targetId: u.id, details: { recoveryCodes: hashes.length } });
    return { recoveryCodes: codes };
  });
}
