import "server-only";
import { randomBytes } from "node:crypto";
import QRCode from "qrcode";
import { base32Encode, otpauthUri } from "@/lib/domain/totp";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError } from "../../errors";
import { sealTotpSecret } from "../../two-factor";
import { twoFactorUser } from "./two-factor-user";

/**
 * A new TOTP secret for the signed-in user, pending until a code from it confirms the enrolment. Returned once, as
 * text and as a QR code of its otpauth URI; a second start replaces a pending one.
 */
export async function startTwoFactorEnrolment(actor: TActor) {
  const secret = base32Encode(randomBytes(20));
  const user = await change(async (tx) => {
    const u = await twoFactorUser(tx, actor);
    if (u.totpEnabledAt) throw new AppError("CONFLICT", "Two-factor authentication is already on: turn it off first to enrol another authenticator.");
    await tx.user.update({ where: { id: u.id }, data: { totpPendingSealed: sealTotpSecret(u.id, secret) } });
    await appendAudit(tx, actor, { action: "user.two_factor_enrolment_start", targetType: "user", targetId: u.id });
    return u;
  });
  const uri = otpauthUri(secret, user.email);
  const qrSvg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { secret, otpauthUri: uri, qrSvg };
}
