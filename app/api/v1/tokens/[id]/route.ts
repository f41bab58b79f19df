import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { revokeToken } from "@/lib/server/services/tokens/revoke-token";

export const DELETE = route(API.revokeToken, ({ actor, params }) => revokeToken({ actor, id: params.id }));
