import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { createWebhook } from "@/lib/server/services/webhooks/create-webhook";
import { findWebhooks } from "@/lib/server/services/webhooks/find-webhooks";

export const GET = route(API.listWebhooks, () => findWebhooks());

export const POST = route(API.createWebhook, ({ actor, body }) => createWebhook({ actor, input: body }));
