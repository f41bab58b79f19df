import "server-only";
import { db } from "../../db";
import { toDeliveryDto } from "./webhook-dto";

/** A target's latest 50 deliveries, newest first. */
export async function findWebhookDeliveries(id: string) {
  const rows = await db.webhookDelivery.findMany({ where: { targetId: id }, orderBy: { createdAt: "desc" }, take: 50 });
  return { items: rows.map(toDeliveryDto) };
}
