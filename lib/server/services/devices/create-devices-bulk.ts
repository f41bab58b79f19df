import "server-only";
import { change } from "../../change";
import { appendAudit, type TActor } from "../../audit";
import { AppError } from "../../errors";
import { desiredStateChanged } from "../../queue";
import { newCredential } from "./device-secrets";

export type TBulkDevice = { clientId: string; name?: string; tags?: string[]; auth: "password" | "psk" | "x509" };
export type TCreateDevicesBulkOptions = { actor: TActor; devices: readonly TBulkDevice[] };

/**
 * Creates many devices in one transaction: all or none, one audit event, one sync per broker.
 * Returns each device's secret once.
 */
export async function createDevicesBulk({ actor, devices }: TCreateDevicesBulkOptions) {
  const seen = new Set<string>();
  for (const d of devices) {
    if (seen.has(d.clientId)) throw new AppError("UNPROCESSABLE", `Client id ${d.clientId} appears twice.`, { devices: `duplicate client id ${d.clientId}` });
    seen.add(d.clientId);
  }
  const prepared = await Promise.all(devices.map(async (d) => ({ d, credential: await newCredential({ type: d.auth }, d.clientId) })));
  const rows = prepared.map(({ d, credential }) => ({ clientId: d.clientId, name: d.name ?? null, tags: d.tags ?? [], ...credential.row }));
  const revision = await change(
    async (tx) => {
      const taken = await tx.device.findMany({ where: { clientId: { in: [...seen] } }, select: { clientId: true }, take: 5 });
      if (taken.length) throw new AppError("CONFLICT", `Client ids already in use: ${taken.map((t) => t.clientId).join(", ")}.`, { devices: "some client ids are already in use" });
      for (let i = 0; i < rows.length; i += 5_000) await tx.device.createMany({ data: rows.slice(i, i + 5_000) });
      const certificates = prepared.flatMap(({ credential }) => (credential.certificate ? [{ ...credential.certificate, deviceId: credential.row.id }] : []));
      for (let i = 0; i < certificates.length; i += 5_000) await tx.certificate.createMany({ data: certificates.slice(i, i + 5_000) });
      await appendAudit(tx, actor, { action: "device.bulk_create", targetType: "device", details: { count: rows.length, first: rows[0]?.clientId, last: rows.at(-1)?.clientId } });
      const revision = await desiredStateChanged(tx, `${rows.length} devices created`);
      await tx.device.updateMany({ where: { clientId: { in: [...seen] } }, data: { revision } });
      return revision;
    },
    { timeoutMs: 120_000 },
  );
  return { revision, devices: prepared.map(({ d, credential }) => ({ clientId: d.clientId, ...credential.secret })) };
}
