import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { revokeDevice } from "@/lib/server/services/devices/revoke-device";

export const POST = route(API.revokeDevice, ({ actor, params }) => revokeDevice({ actor, id: params.id }));
