import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { revokeSigningKey } from "@/lib/server/services/signing/revoke-signing-key";

export const POST = route(API.revokeSigningKey, ({ actor, params }) => revokeSigningKey({ actor, deviceId: params.id, kid: params.kid }));
