import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { findWebhookDeliveries } from "@/lib/server/services/webhooks/find-webhook-deliveries";

export const GET = route(API.listWebhookDeliveries, ({ params }) => findWebhookDeliveries(params.id));
