import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError } from "../../errors";
import { newRecoveryCodes, useSecondFactor } from "../../two-factor";
import { codeProof } from "./disable-two-factor";
import { twoFactorUser } from "./two-factor-user";
import { withProofOfIdentity, WRONG_PROOF } from "./with-proof-of-identity";

/** Ten new recovery codes (shown once) in place of the old ones, proven by a current code. */
export async function regenerateRecoveryCodes({ actor, code }: { actor: TActor; code: string }) {
  const { codes, hashes } = newRecoveryCodes();
  return withProofOfIdentity(await codeProof(actor, "recovery_codes"), () =>
    change(async (tx) => {
      const u = await twoFactorUser(tx, actor);
      if (!u.totpEnabledAt) throw new AppError("CONFLICT", "Two-factor authentication is not on.");
      if (!(await useSecondFactor(tx, u, code, new Date()))) return WRONG_PROOF;
      await tx.user.update({ where: { id: u.id }, data: { recoveryCodeHashes: hashes } });
      await appendAudit(tx, actor, { action: "user.recovery_codes_regenerate", targetType: "user", targetId: u.id, details: { recoveryCodes: hashes.length } });
      return { recoveryCodes: codes };
    }),
  );
}
