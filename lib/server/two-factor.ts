import "server-only";
import { randomBytes } from "node:crypto";
import {
  base32Decode,
  formatRecoveryCode,
  looksLikeTotp,
  normalizeRecoveryCode,
  RECOVERY_CODE_COUNT,
  recoveryCodeHash,
  verifyTotp,
} from "@/lib/domain/totp";
import type { User } from "@/lib/generated/prisma/client";
import type { TTx } from "./db";
import { seal, unseal } from "./secrets";

/** The sealing context of a user's TOTP secret: a sealed secret cannot be moved to another user. */
export const totpContext = (userId: string) => `user:${userId}:totp`;

export const sealTotpSecret = (userId: string, base32: string) => seal(base32, totpContext(userId));

const secretBytes = (userId: string, sealed: string) => base32Decode(unseal(sealed, totpContext(userId)));

/** Ten fresh recovery codes: the plain codes (shown once) and the hashes stored. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => formatRecoveryCode(randomBytes(10)));
  return { codes, hashes: codes.map(recoveryCodeHash) };
}

/** Whether `code` is the current code of the sealed secret (for enrolment, which has no step used yet). */
export function matchesSealedTotp(userId: string, sealed: string, code: string, now: Date): bigint | null {
  return looksLikeTotp(code) ? verifyTotp(secretBytes(userId, sealed), code, now.getTime(), null) : null;
}

export type TSecondFactor = { kind: "totp" } | { kind: "recovery"; left: number };

/**
 * Checks a TOTP code or a recovery code of an enrolled user and uses it up in the caller's transaction: the
 * code's time step is remembered (a code is good once), a recovery code is removed. Null when neither matches.
 * The row is locked first, so two requests cannot both use one code.
 */
export async function useSecondFactor(tx: TTx, user: Pick<User, "id">, code: string, now: Date): Promise<TSecondFactor | null> {
  const [row] = await tx.$queryRaw<{ totpSecretSealed: string | null; totpLastStep: bigint | null; recoveryCodeHashes: string[] }[]>`
    SELECT "totpSecretSealed", "totpLastStep", "recoveryCodeHashes" FROM "User" WHERE "id" = ${user.id}::uuid FOR UPDATE`;
  if (!row?.totpSecretSealed) return null;
  if (looksLikeTotp(code)) {
    const step = verifyTotp(secretBytes(user.id, row.totpSecretSealed), code, now.getTime(), row.totpLastStep);
    if (step === null) return null;
    await tx.user.update({ where: { id: user.id }, data: { totpLastStep: step } });
    return { kind: "totp" };
  }
  if (normalizeRecoveryCode(code).length !== 16) return null;
  const h = recoveryCodeHash(code);
  if (!row.recoveryCodeHashes.includes(h)) return null;
  const left = row.recoveryCodeHashes.filter((x) => x !== h);
  await tx.user.update({ where: { id: user.id }, data: { recoveryCodeHashes: left } });
  return { kind: "recovery", left: left.length };
}
