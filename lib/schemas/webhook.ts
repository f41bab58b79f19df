import { z } from "zod";
import { WEBHOOK_EVENTS, ZWebhookUrl } from "@/lib/domain/security/webhooks";
import { ZPlainString } from "./common";

const EVENT_NAMES = Object.keys(WEBHOOK_EVENTS) as [keyof typeof WEBHOOK_EVENTS, ...(keyof typeof WEBHOOK_EVENTS)[]];

export const ZWebhookCreate = z.strictObject({
  name: ZPlainString("is required").trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  url: ZWebhookUrl,
  events: z
    .array(z.enum(EVENT_NAMES, { error: `must be one of ${EVENT_NAMES.join(", ")}` }), { error: "must be a list of events" })
    .min(1, "must name at least one event")
    .refine((e) => new Set(e).size === e.length, "must not repeat an event"),
});
export type TWebhookCreate = z.infer<typeof ZWebhookCreate>;

export const ZWebhookDelivery = z.object({
  id: z.string(),
  event: z.string(),
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number(),
  /** The receiver's HTTP status on the last attempt (null: no answer). */
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  /** When a pending delivery is tried next. */
  nextAttemptAt: z.string().nullable(),
});
export type TWebhookDelivery = z.infer<typeof ZWebhookDelivery>;

export const ZWebhook = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  createdAt: z.string(),
  createdBy: z.string(),
  lastDelivery: ZWebhookDelivery.nullable(),
});
export type TWebhook = z.infer<typeof ZWebhook>;

export const ZWebhookCreated = z.object({ webhook: ZWebhook, secret: z.string() });
