import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { liveEndpoint } from "@/lib/server/services/live/live-endpoint";

export const GET = route(API.getLiveEndpoint, ({ params }) => liveEndpoint(params.id));
