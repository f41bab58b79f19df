import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { disconnectClient } from "@/lib/server/services/live/disconnect-client";

export const POST = route(API.disconnectClient, ({ actor, body }) => disconnectClient({ actor, clientId: body.clientId }));
