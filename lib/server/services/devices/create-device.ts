import "server-only";
import { reservedNameProblem } from "@/lib/domain/reserved-names";
import { change } from "../../change";
import type { TDeviceCreate } from "@/lib/schemas/device";
import { appendAudit, type TActor } from "../../audit";
import { db } from "../../db";
import { AppError } from "../../errors";
import { desiredStateChanged } from "../../queue";
import { assignDeviceAccess } from "../acl/device-access";
import { newSigningKey, storeSigningKey } from "../signing/issue-signing-key";
import { connectionBundle } from "./connection-bundle";
import { newCredential } from "./device-secrets";
import { toDeviceDto } from "./device-dto";

export type TCreateDeviceOptions = { actor: TActor; input: TDeviceCreate };

/** Creates a device with its own dedicated secret (returned once) and queues the sync that lets it connect. */
export async function createDevice({ actor, input }: TCreateDeviceOptions) {
  // The request's schema refused it already; this holds for every other caller (scripts, benchmarks) too.
  const reserved = reservedNameProblem(input.clientId);
  if (reserved) throw new AppError("UNPROCESSABLE", `Invalid body: clientId ${reserved}.`, { clientId: reserved });
  if (await db.device.findUnique({ where: { clientId: input.clientId }, select: { id: true } })) {
    throw new AppError("CONFLICT", `A device with client id ${input.clientId} already exists.`, { clientId: "is already in use" });
  }
  const credential = await newCredential(input.auth, input.clientId);
  const signing = input.signingKey ? newSigningKey(input.signingKey) : null;
  const device = await change(async (tx) => {
    if (await tx.device.findUnique({ where: { clientId: input.clientId }, select: { id: true } })) {
      throw new AppError("CONFLICT", `A device with client id ${input.clientId} already exists.`, { clientId: "is already in use" });
    }
    const d = await tx.device.create({ data: { clientId: input.clientId, name: input.name ?? null, tags: input.tags, ...credential.row } });
    if (credential.certificate) await tx.certificate.create({ data: { ...credential.certificate, deviceId: d.id } });
    await assignDeviceAccess(tx, [{ deviceId: d.id, field: "", roles: input.roles, groups: input.groups }], true);
    await appendAudit(tx, actor, {
      action: "device.create",
      targetType: "device",
      targetId: d.id,
      details: { after: { clientId: d.clientId, name: d.name, tags: d.tags, auth: input.auth.type, ...(credential.certificate ? { certificateSerial: credential.certificate.serial, csr: "csrPem" in input.auth && input.auth.csrPem !== undefined } : {}) } },
    });
    if (signing) await storeSigningKey(tx, actor, d, signing);
    const revision = await desiredStateChanged(tx, `device ${d.clientId} created`, { changes: [{ kind: "device", clientId: d.clientId }] });
    return tx.device.update({ where: { id: d.id }, data: { revision }, include: { certificates: true } });
  });
  const signingKey = signing ? { signingKey: { kid: signing.id, algorithm: signing.row.algorithm, secret: signing.secret } } : {};
  return { device: toDeviceDto(device), secret: credential.secret, ...signingKey, ...(await connectionBundle(device.authType)) };
}
