import "server-only";
import type { TWebhookEvent } from "@/lib/domain/security/webhooks";
import type { TTx } from "../../db";

/** NOTIFYed when deliveries are queued; the worker's dispatcher LISTENs and sends at once after commit. */
export const WEBHOOK_WAKEUP_CHANNEL = "fleetward_webhooks";

/**
 * Queues one delivery of `event` to every target that takes it (or to one target, for a test), in the caller's
 * transaction: a notification exists exactly when what it announces committed. Returns the deliveries' ids.
 */
export async function enqueueWebhooks(tx: TTx, event: TWebhookEvent, data: Record<string, unknown>, targetId?: string): Promise<string[]> {
  const targets = await tx.webhookTarget.findMany({ where: targetId ? { id: targetId } : { events: { has: event } }, select: { id: true } });
  if (!targets.length) return [];
  const at = new Date().toISOString();
  const rows = await tx.webhookDelivery.createManyAndReturn({
    data: targets.map((t) => ({ targetId: t.id, event, payload: { event, at, data } as object })),
    select: { id: true },
  });
  await tx.$executeRawUnsafe(`SELECT pg_notify('${WEBHOOK_WAKEUP_CHANNEL}', '')`);
  return rows.map((r) => r.id);
}
