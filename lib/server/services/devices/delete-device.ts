import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { db } from "../../db";
import { AppError } from "../../errors";
import { desiredStateChanged } from "../../queue";

export type TDeleteDeviceOptions = { actor: TActor; id: string };

/** Removes a device everywhere: brokers drop and refuse it once the sync this queues is applied. */
export async function deleteDevice({ actor, id }: TDeleteDeviceOptions) {
  return db.$transaction(async (tx) => {
    const d = await tx.device.findUnique({ where: { id } });
    if (!d) throw new AppError("NOT_FOUND", "Device was not found.");
    await tx.device.delete({ where: { id } });
    await appendAudit(tx, actor, { action: "device.delete", targetType: "device", targetId: id, details: { before: { clientId: d.clientId, auth: d.authType } } });
    const revision = await desiredStateChanged(tx, `device ${d.clientId} deleted`);
    return { deleted: true, revision: revision.toString() };
  });
}
