import "server-only";
import { db } from "../../db";
import { toWebhookDto } from "./webhook-dto";

/** Every target with its latest delivery. */
export async function findWebhooks() {
  const targets = await db.webhookTarget.findMany({ orderBy: { name: "asc" }, include: { deliveries: { orderBy: { createdAt: "desc" }, take: 1 } } });
  return { items: targets.map(({ deliveries, ...t }) => toWebhookDto(t, deliveries[0] ?? null)) };
}
