import "server-only";
import { db } from "../../db";
import { toDeliveryDto, toWebhookDto } from "./webhook-dto";

/** Every target with its latest delivery. */
export async function findWebhooks() {
  const targets = await db.webhookTarget.findMany({ orderBy: { name: "asc" }, include: { deliveries: { orderBy: { createdAt: "desc" }, take: 1 } } });
  return { items: targets.map(({ deliveries, ...t }) => toWebhookDto(t, deliveries[0] ?? null)) };
}

/** A target's latest 50 deliveries, newest first. */
export async function findWebhookDeliveries(id: string) {
  const rows = await db.webhookDelivery.findMany({ where: { targetId: id }, orderBy: { createdAt: "desc" }, take: 50 });
  return { items: rows.map(toDeliveryDto) };
}
