import "server-only";
import { randomBytes } from "node:crypto";
import QRCode from "qrcode";
import { base32Encode, otpauthUri } from "@/lib/domain/totp";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";
import { AppError } from "../../errors";
import { verifyPassword } from "../../passwords";
import { sealTotpSecret } from "../../two-factor";
import { twoFactorUser } from "./two-factor-user";
import { withProofOfIdentity, WRONG_PROOF } from "./with-proof-of-identity";

export const WRONG_PASSWORD = { message: "The password is wrong.", reason: "is not your password", audited: "wrong_password" };

/**
 * A new TOTP secret for the signed-in user, pending until a code from it confirms the enrolment. The password is
 * asked again, so a session left open cannot tie the account to someone else's phone; wrong ones count towards the
 * sign-in lockout. The secret is returned once, as text and as a QR code of its otpauth URI; a second start
 * replaces a pending one.
 */
export async function startTwoFactorEnrolment({ actor, password }: { actor: TActor; password: string }) {
  const u = await db.$transaction((tx) => twoFactorUser(tx, actor), { maxWait: 10_000 });
  const secret = base32Encode(randomBytes(20));
  const proof = { actor, user: u, field: "password", refusedAction: "user.two_factor_enrolment_refused", wrong: WRONG_PASSWORD };
  await withProofOfIdentity(proof, async () => {
    if (!(await verifyPassword(u.passwordHash, password))) return WRONG_PROOF;
    await change(async (tx) => {
      const locked = await twoFactorUser(tx, actor);
      if (locked.totpEnabledAt) throw new AppError("CONFLICT", "Two-factor authentication is already on: turn it off first to enrol another authenticator.");
      await tx.user.update({ where: { id: locked.id }, data: { totpPendingSealed: sealTotpSecret(locked.id, secret) } });
      await appendAudit(tx, actor, { action: "user.two_factor_enrolment_start", targetType: "user", targetId: locked.id });
    });
  });
  const uri = otpauthUri(secret, u.email);
  const qrSvg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { secret, otpauthUri: uri, qrSvg };
}
