import "server-only";
import { change } from "../../change";
import { appendAudit, type TActor } from "../../audit";
import { AppError } from "../../errors";

export type TDeleteBrokerOptions = { actor: TActor; id: string };

/** Stops managing a broker: Fleetward forgets it and its sealed admin key; the broker itself keeps running. */
export async function deleteBroker({ actor, id }: TDeleteBrokerOptions) {
  return change(async (tx) => {
    const b = await tx.broker.findUnique({ where: { id } });
    if (!b) throw new AppError("NOT_FOUND", "Broker was not found.");
    await tx.broker.delete({ where: { id } });
    await appendAudit(tx, actor, { action: "broker.delete", targetType: "broker", targetId: id, details: { before: { name: b.name, host: b.host } } });
    return { deleted: true };
  });
}
