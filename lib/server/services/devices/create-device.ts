import "server-only";
import { mosquittoPasswordHash } from "@/lib/domain/mosquitto-password";
import type { TDeviceCreate } from "@/lib/schemas/device";
import { appendAudit, type TActor } from "../../audit";
import { db } from "../../db";
import { AppError } from "../../errors";
import { generatePassword } from "../../passwords";
import { desiredStateChanged } from "../../queue";

export type TCreateDeviceOptions = { actor: TActor; input: TDeviceCreate };

/** Creates a device with its own generated password (returned once; only the broker's hash is kept) and syncs brokers. */
export async function createDevice({ actor, input }: TCreateDeviceOptions) {
  const password = generatePassword(32); // ~190 bits
  const passwordHash = await mosquittoPasswordHash(password);
  const device = await db.$transaction(async (tx) => {
    if (await tx.device.findUnique({ where: { clientId: input.clientId }, select: { id: true } })) {
      throw new AppError("CONFLICT", `A device with client id ${input.clientId} already exists.`, { clientId: "is already in use" });
    }
    const d = await tx.device.create({
      data: { clientId: input.clientId, name: input.name ?? null, tags: input.tags, authType: "PASSWORD", passwordHash },
    });
    await appendAudit(tx, actor, {
      action: "device.create",
      targetType: "device",
      targetId: d.id,
      details: { after: { clientId: d.clientId, name: d.name, tags: d.tags, auth: "password" } },
    });
    await desiredStateChanged(tx, `device ${d.clientId} created`);
    return d;
  });
  return { device: { id: device.id, clientId: device.clientId, name: device.name, tags: device.tags, authType: device.authType }, secret: { password } };
}
