import "server-only";
import { change } from "../../change";
import { appendAudit, type TActor } from "../../audit";
import { AppError, notFound } from "../../errors";
import { desiredStateChanged } from "../../queue";
import { queueKick, reissueCrl } from "../fleet/revocations";
import { getDeviceBatch } from "./get-device-batch";

export type TCancelDeviceBatchOptions = { actor: TActor; id: string };

/**
 * Cancels a bulk import: its devices that still exist are removed everywhere in one change (certificates revoked
 * into the CRL, sessions closed on brokers that had already let them in), and the push converges on that.
 */
export async function cancelDeviceBatch({ actor, id }: TCancelDeviceBatchOptions) {
  await change(
    async (tx) => {
      const batch = await tx.deviceBatch.findUnique({ where: { id } });
      if (!batch) throw notFound("Device batch");
      if (batch.cancelledAt) throw new AppError("CONFLICT", "This import was already cancelled.");
      const devices = await tx.device.findMany({ where: { batchId: id }, select: { id: true, clientId: true } });
      const deviceIds = devices.map((d) => d.id);
      const revoked = await tx.certificate.updateMany({ where: { deviceId: { in: deviceIds }, revokedAt: null }, data: { revokedAt: new Date(), revocationReason: "import cancelled" } });
      if (revoked.count) await reissueCrl(tx);
      await tx.device.deleteMany({ where: { id: { in: deviceIds } } });
      const revision = await desiredStateChanged(tx, `import of ${batch.count} devices cancelled`, { changes: devices.map((x) => ({ kind: "device" as const, clientId: x.clientId })) });
      await queueKick(tx, devices.map((d) => d.clientId), revision, "import cancelled");
      await tx.deviceBatch.update({ where: { id }, data: { cancelledAt: new Date(), cancelRevision: revision } });
      await appendAudit(tx, actor, {
        action: "device.bulk_cancel",
        targetType: "device_batch",
        targetId: id,
        details: { before: { count: batch.count, remaining: devices.length }, revokedCertificates: revoked.count },
      });
    },
    { timeoutMs: 120_000 },
  );
  return getDeviceBatch(id);
}
