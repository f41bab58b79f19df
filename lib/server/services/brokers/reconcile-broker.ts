import "server-only";
import { change } from "../../change";
import { appendAudit, type TActor } from "../../audit";
import { AppError } from "../../errors";
import { enqueueBrokerSyncs } from "../../queue";

export type TReconcileBrokerOptions = { actor: TActor; id: string };

/** Queues a full push of the desired state to the broker now (repairs drift and lost state). */
export async function reconcileBroker({ actor, id }: TReconcileBrokerOptions) {
  await change(async (tx) => {
    const b = await tx.broker.findUnique({ where: { id }, select: { id: true, name: true } });
    if (!b) throw new AppError("NOT_FOUND", "Broker was not found.");
    await enqueueBrokerSyncs(tx, [id], "reconcile requested", true);
    await appendAudit(tx, actor, { action: "broker.reconcile", targetType: "broker", targetId: id, details: { name: b.name } });
  });
  return { queued: true };
}
