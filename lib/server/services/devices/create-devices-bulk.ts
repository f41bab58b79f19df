import "server-only";
import type { TDeviceBulkCreated } from "@/lib/schemas/device";
import { change } from "../../change";
import { appendAudit, type TActor } from "../../audit";
import { AppError } from "../../errors";
import { desiredStateChanged } from "../../queue";
import { assignDeviceAccess } from "../acl/device-access";
import { connectionBundle } from "./connection-bundle";
import { newSigningKey } from "../signing/issue-signing-key";
import { signingChanged } from "../signing/signing-key-dto";
import { newCredential } from "./device-secrets";
import { getDeviceBatch } from "./get-device-batch";
import { bulkErrorFields, validateBulkDevices } from "./validate-bulk-devices";

export type TCreateDevicesBulkOptions = { actor: TActor; input: unknown };

const CHUNK = 5_000;

function rejected(count: number, fields: Record<string, string>): AppError {
  return new AppError("UNPROCESSABLE", `${count} row${count === 1 ? " is" : "s are"} invalid; nothing was written.`, fields);
}

/**
 * A bulk import: every row is checked first and any bad row rejects the whole import (nothing written). Then all
 * devices, their certificates, the batch, one audit event and one sync per broker commit in one transaction.
 * Each device's secret is returned once.
 */
export async function createDevicesBulk({ actor, input }: TCreateDevicesBulkOptions): Promise<TDeviceBulkCreated> {
  const checked = await validateBulkDevices(input);
  if (!checked.ok) throw rejected(new Set(checked.errors.map((e) => e.row)).size, bulkErrorFields(checked.errors));
  const prepared = await Promise.all(
    checked.devices.map(async (d, i) => {
      const key = checked.csrKeys[i];
      const credential = await newCredential(d.auth.type === "x509" && key ? { type: "x509", verifiedKey: key } : d.auth, d.clientId);
      return { d, credential, signing: d.signingKey ? newSigningKey(d.signingKey) : null };
    }),
  );
  const clientIds = prepared.map(({ d }) => d.clientId);
  const batch = await change(
    async (tx) => {
      const taken = await tx.device.findMany({ where: { clientId: { in: clientIds } }, select: { clientId: true } });
      if (taken.length) {
        const row = new Map(clientIds.map((c, i) => [c, i]));
        throw new AppError("CONFLICT", `${taken.length} client id(s) were taken meanwhile; nothing was written.`, Object.fromEntries(taken.map((t) => [`devices.${row.get(t.clientId)}.clientId`, "is already in use"])));
      }
      const revision = await desiredStateChanged(tx, `${prepared.length} devices imported`, { changes: clientIds.map((clientId) => ({ kind: "device" as const, clientId })) });
      const batch = await tx.deviceBatch.create({ data: { count: prepared.length, revision, createdBy: actor.label } });
      const rows = prepared.map(({ d, credential }) => ({ clientId: d.clientId, name: d.name ?? null, tags: d.tags, ...credential.row, revision, batchId: batch.id }));
      for (let i = 0; i < rows.length; i += CHUNK) await tx.device.createMany({ data: rows.slice(i, i + CHUNK) });
      const certificates = prepared.flatMap(({ credential }) => (credential.certificate ? [{ ...credential.certificate, deviceId: credential.row.id }] : []));
      for (let i = 0; i < certificates.length; i += CHUNK) await tx.certificate.createMany({ data: certificates.slice(i, i + CHUNK) });
      const signingKeys = prepared.flatMap(({ credential, signing }) => (signing ? [{ id: signing.id, deviceId: credential.row.id, createdBy: actor.label, ...signing.row }] : []));
      for (let i = 0; i < signingKeys.length; i += CHUNK) await tx.signingKey.createMany({ data: signingKeys.slice(i, i + CHUNK) });
      if (signingKeys.length) await signingChanged(tx);
      await assignDeviceAccess(tx, prepared.map(({ d, credential }, i) => ({ deviceId: credential.row.id, field: `devices.${i}.`, roles: d.roles, groups: d.groups })), true);
      const byAuth = Object.fromEntries(["password", "psk", "x509"].map((t) => [t, prepared.filter(({ d }) => d.auth.type === t).length]));
      await appendAudit(tx, actor, {
        action: "device.bulk_create",
        targetType: "device_batch",
        targetId: batch.id,
        details: { after: { count: rows.length, byAuth, first: clientIds[0], last: clientIds.at(-1), certificates: certificates.length, signingKeys: signingKeys.length } },
      });
      return batch;
    },
    { timeoutMs: 120_000 },
  );
  const types = [...new Set(prepared.map(({ credential }) => credential.row.authType))];
  const bundles = await Promise.all(types.map((t) => connectionBundle(t)));
  return {
    batch: await getDeviceBatch(batch.id),
    devices: prepared.map(({ d, credential, signing }) => ({
      id: credential.row.id,
      clientId: d.clientId,
      secret: credential.secret,
      ...(signing ? { signingKey: { kid: signing.id, algorithm: signing.row.algorithm, secret: signing.secret } } : {}),
    })),
    caPem: bundles[0]?.caPem ?? "",
    endpoints: bundles.flatMap((b) => b.endpoints),
  };
}
