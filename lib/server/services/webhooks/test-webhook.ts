import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";
import { AppError } from "../../errors";
import { enqueueWebhooks } from "./enqueue-webhooks";
import { toDeliveryDto } from "./webhook-dto";

/** Queues a "ping" to one target, signed like every delivery, to prove the receiver and its key check. */
export async function testWebhook({ actor, id }: { actor: TActor; id: string }) {
  const [deliveryId] = await change(async (tx) => {
    if (!(await tx.webhookTarget.findUnique({ where: { id }, select: { id: true } }))) throw new AppError("NOT_FOUND", "Webhook was not found.");
    const ids = await enqueueWebhooks(tx, "ping", { message: "Test from Fleetward", by: actor.label }, id);
    await appendAudit(tx, actor, { action: "webhook.test", targetType: "webhook", targetId: id, details: { delivery: ids[0] } });
    return ids;
  });
  return toDeliveryDto(await db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } }));
}
