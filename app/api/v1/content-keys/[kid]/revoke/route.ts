import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { revokeContentKey } from "@/lib/server/services/signing/revoke-content-key";

export const POST = route(API.revokeContentKey, ({ actor, params }) => revokeContentKey({ actor, kid: params.kid }));
