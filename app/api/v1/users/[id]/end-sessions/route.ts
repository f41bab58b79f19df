import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { endUserSessions } from "@/lib/server/services/users/end-user-sessions";

export const POST = route(API.endUserSessions, ({ actor, params }) => endUserSessions({ actor, id: params.id }));
