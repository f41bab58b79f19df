import "server-only";
import type { WebhookDelivery, WebhookTarget } from "@/lib/generated/prisma/client";
import type { TWebhook, TWebhookDelivery } from "@/lib/schemas/webhook";

export const webhookSecretContext = (id: string) => `webhook:${id}:secret`;

export const toDeliveryDto = (d: WebhookDelivery): TWebhookDelivery => ({
  id: d.id,
  event: d.event,
  status: d.status as TWebhookDelivery["status"],
  attempts: d.attempts,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  createdAt: d.createdAt.toISOString(),
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
  nextAttemptAt: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
});

export const toWebhookDto = (t: WebhookTarget, last: WebhookDelivery | null): TWebhook => ({
  id: t.id,
  name: t.name,
  url: t.url,
  events: t.events,
  createdAt: t.createdAt.toISOString(),
  createdBy: t.createdBy,
  lastDelivery: last ? toDeliveryDto(last) : null,
});
