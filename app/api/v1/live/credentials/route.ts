import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { mintLiveCredential } from "@/lib/server/services/live/mint-live-credential";
import { liveBrokers } from "@/lib/server/services/live/live-endpoint";

export const POST = route(API.mintLiveCredential, async ({ actor, role, sessionId }) => ({ ...(await mintLiveCredential({ actor, role, sessionId })), brokers: await liveBrokers() }));
