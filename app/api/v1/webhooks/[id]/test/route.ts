import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { testWebhook } from "@/lib/server/services/webhooks/test-webhook";

export const POST = route(API.testWebhook, ({ actor, params }) => testWebhook({ actor, id: params.id }));
