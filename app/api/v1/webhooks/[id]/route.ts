import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { deleteWebhook } from "@/lib/server/services/webhooks/delete-webhook";

export const DELETE = route(API.deleteWebhook, ({ actor, params }) => deleteWebhook({ actor, id: params.id }));
