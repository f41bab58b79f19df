import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { getSignedTopics, setSignedTopics } from "@/lib/server/services/signing/signed-topics";

export const GET = route(API.getSignedTopics, () => getSignedTopics());

export const PUT = route(API.setSignedTopics, ({ actor, body }) => setSignedTopics({ actor, input: body }));
