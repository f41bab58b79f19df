import "server-only";
import { change } from "../../change";
import type { TTx } from "../../db";
import { appendAudit, type TActor } from "../../audit";
import { AppError } from "../../errors";
import { desiredStateChanged } from "../../queue";
import { queueKick, reissueCrl } from "../fleet/revocations";
import { toDeviceDto } from "./device-dto";

export type TRevokeDeviceOptions = { actor: TActor; id: string };

/**
 * Inside a transaction: removes every credential of the device (password hash, PSK key; certificates revoked
 * into a new CRL) and queues the kick that closes its open sessions once each broker refuses it.
 * Returns the new revision and what was revoked.
 */
export async function revokeCredentials(tx: TTx, deviceId: string, reason: string) {
  const d = await tx.device.findUnique({ where: { id: deviceId }, include: { certificates: { where: { revokedAt: null } } } });
  if (!d) throw new AppError("NOT_FOUND", "Device was not found.");
  await tx.device.update({ where: { id: deviceId }, data: { passwordHash: null, pskKeySealed: null, pskIdentity: null } });
  const serials = d.certificates.map((c) => c.serial);
  if (serials.length) {
    await tx.certificate.updateMany({ where: { id: { in: d.certificates.map((c) => c.id) } }, data: { revokedAt: new Date(), revocationReason: reason } });
    await reissueCrl(tx);
  }
  const revision = await desiredStateChanged(tx, `device ${d.clientId}: ${reason}`, { changes: [{ kind: "device", clientId: d.clientId }] });
  await queueKick(tx, d.clientId, revision, reason);
  await tx.device.update({ where: { id: deviceId }, data: { revision } });
  return { device: d, revision, revokedCertificates: serials };
}

/** Revokes all of a device's credentials and disconnects it everywhere; the device stays in the inventory. */
export async function revokeDevice({ actor, id }: TRevokeDeviceOptions) {
  const device = await change(async (tx) => {
    const r = await revokeCredentials(tx, id, "revoked");
    await appendAudit(tx, actor, {
      action: "device.revoke",
      targetType: "device",
      targetId: id,
      details: { clientId: r.device.clientId, auth: r.device.authType, revokedCertificates: r.revokedCertificates },
    });
    return tx.device.findUniqueOrThrow({ where: { id }, include: { certificates: true } });
  });
  return toDeviceDto(device);
}
