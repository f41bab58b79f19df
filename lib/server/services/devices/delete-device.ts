import "server-only";
import { change } from "../../change";
import { appendAudit, type TActor } from "../../audit";
import { revokeCredentials } from "./revoke-device";

export type TDeleteDeviceOptions = { actor: TActor; id: string };

/**
 * Removes a device everywhere: its credentials are revoked (certificates into the CRL, so a certificate that
 * still exists on the device is refused), its sessions closed, and the device forgotten. Its certificates stay
 * in the inventory as revoked.
 */
export async function deleteDevice({ actor, id }: TDeleteDeviceOptions) {
  return change(async (tx) => {
    const r = await revokeCredentials(tx, id, "deleted");
    await tx.device.delete({ where: { id } });
    await appendAudit(tx, actor, {
      action: "device.delete",
      targetType: "device",
      targetId: id,
      details: { before: { clientId: r.device.clientId, auth: r.device.authType }, revokedCertificates: r.revokedCertificates },
    });
    return { deleted: true, revision: r.revision.toString() };
  });
}
