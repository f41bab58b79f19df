import "server-only";
import type { TSigningKey } from "@/lib/schemas/signing";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError } from "../../errors";
import { signingChanged, toSigningKeyDto } from "./signing-key-dto";

/** Revokes one of a device's signing keys: messages it signs are invalid from now on (the verifier reloads within seconds). */
export async function revokeSigningKey({ actor, deviceId, kid }: { actor: TActor; deviceId: string; kid: string }): Promise<TSigningKey> {
  return change(async (tx) => {
    const key = await tx.signingKey.findFirst({ where: { id: kid, deviceId }, include: { device: { select: { clientId: true } } } });
    if (!key) throw new AppError("NOT_FOUND", "Signing key was not found on this device.");
    if (key.revokedAt) throw new AppError("CONFLICT", `Signing key ${kid} was already revoked.`, { kid: "is already revoked" });
    const row = await tx.signingKey.update({ where: { id: kid }, data: { revokedAt: new Date(), revokedBy: actor.label } });
    await signingChanged(tx);
    await appendAudit(tx, actor, { action: "device.signing_key_revoke", targetType: "device", targetId: deviceId, details: { clientId: key.device.clientId, kid } });
    return toSigningKeyDto(row, key.device.clientId);
  });
}
