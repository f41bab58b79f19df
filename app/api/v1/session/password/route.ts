import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { changeOwnPassword } from "@/lib/server/services/auth/change-own-password";

export const POST = route(API.changePassword, ({ actor, sessionId, body }) => changeOwnPassword({ actor, sessionId, input: body }));
