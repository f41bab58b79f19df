import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { decryptMessage } from "@/lib/server/services/live/decrypt-message";

export const POST = route(API.decryptMessage, ({ actor, body }) => decryptMessage({ actor, topic: body.topic, payload: body.payload }));
