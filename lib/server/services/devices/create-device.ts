import "server-only";
import type { TDeviceCreate } from "@/lib/schemas/device";
import { appendAudit, type TActor } from "../../audit";
import { db } from "../../db";
import { AppError } from "../../errors";
import { desiredStateChanged } from "../../queue";
import { newCredential } from "./device-secrets";

export type TCreateDeviceOptions = { actor: TActor; input: TDeviceCreate };

/** Creates a device with its own dedicated secret (returned once) and queues the sync that lets it connect. */
export async function createDevice({ actor, input }: TCreateDeviceOptions) {
  const credential = await newCredential(input.auth.type, input.clientId);
  const device = await db.$transaction(async (tx) => {
    if (await tx.device.findUnique({ where: { clientId: input.clientId }, select: { id: true } })) {
      throw new AppError("CONFLICT", `A device with client id ${input.clientId} already exists.`, { clientId: "is already in use" });
    }
    const d = await tx.device.create({ data: { clientId: input.clientId, name: input.name ?? null, tags: input.tags, ...credential.row } });
    await appendAudit(tx, actor, {
      action: "device.create",
      targetType: "device",
      targetId: d.id,
      details: { after: { clientId: d.clientId, name: d.name, tags: d.tags, auth: input.auth.type } },
    });
    await desiredStateChanged(tx, `device ${d.clientId} created`);
    return d;
  });
  return { device: { id: device.id, clientId: device.clientId, name: device.name, tags: device.tags, authType: device.authType }, secret: credential.secret };
}
