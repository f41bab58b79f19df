import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { mintLiveCredential } from "@/lib/server/services/live/mint-live-credential";

export const POST = route(API.mintLiveCredential, ({ actor, role, sessionId, body }) => mintLiveCredential({ actor, role, sessionId, replaces: body.replaces }));
