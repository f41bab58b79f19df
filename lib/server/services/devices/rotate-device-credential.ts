import "server-only";
import { change } from "../../change";
import { appendAudit, type TActor } from "../../audit";
import { db } from "../../db";
import { AppError } from "../../errors";
import { desiredStateChanged } from "../../queue";
import { queueKick } from "../fleet/revocations";
import { connectionBundle } from "./connection-bundle";
import { issueDeviceCertificate, newCredential } from "./device-secrets";
import { toDeviceDto } from "./device-dto";

export type TRotateDeviceCredentialOptions = { actor: TActor; id: string; csrPem?: string };

/**
 * A new secret of the same kind, shown once. A password or PSK is replaced: the old one stops working on every
 * broker (and its sessions are closed). A certificate is renewed: the new one is issued and the old one stays
 * valid until it is revoked or expires, so the device can switch without downtime.
 */
export async function rotateDeviceCredential({ actor, id, csrPem }: TRotateDeviceCredentialOptions) {
  const d = await db.device.findUnique({ where: { id } });
  if (!d) throw new AppError("NOT_FOUND", "Device was not found.");
  if (csrPem !== undefined && d.authType !== "X509") throw new AppError("UNPROCESSABLE", "Only a certificate device takes a CSR.", { csrPem: "applies to certificate devices only" });
  const fresh = d.authType === "X509" ? null : await newCredential({ type: d.authType === "PASSWORD" ? "password" : "psk" }, d.clientId, d.id);
  const cert = d.authType === "X509" ? await issueDeviceCertificate(d.clientId, csrPem) : null;
  const device = await change(async (tx) => {
    let revision: bigint;
    if (cert) {
      await tx.certificate.create({ data: { ...cert.row, deviceId: id } });
      revision = (await tx.fleetState.findUniqueOrThrow({ where: { id: 1 } })).revision; // nothing on brokers changes
    } else {
      await tx.device.update({ where: { id }, data: { passwordHash: fresh!.row.passwordHash ?? null, pskIdentity: fresh!.row.pskIdentity ?? null, pskKeySealed: fresh!.row.pskKeySealed ?? null, secretIssuedAt: new Date() } });
      revision = await desiredStateChanged(tx, `device ${d.clientId}: credential rotated`, { changes: [{ kind: "device", clientId: d.clientId }] });
      await queueKick(tx, d.clientId, revision, "credential rotated");
    }
    await appendAudit(tx, actor, {
      action: cert ? "device.certificate_renew" : "device.rotate",
      targetType: "device",
      targetId: id,
      details: { clientId: d.clientId, auth: d.authType, ...(cert ? { newCertificateSerial: cert.row.serial } : {}) },
    });
    return tx.device.update({ where: { id }, data: { revision }, include: { certificates: true } });
  });
  const secret = cert ? { certPem: cert.certPem, ...(cert.keyPem ? { keyPem: cert.keyPem } : {}) } : fresh!.secret;
  return { device: toDeviceDto(device), secret, ...(await connectionBundle(device.authType)) };
}
