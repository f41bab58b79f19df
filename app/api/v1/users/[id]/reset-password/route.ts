import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { resetUserPassword } from "@/lib/server/services/users/reset-user-password";

export const POST = route(API.resetUserPassword, ({ actor, params }) => resetUserPassword({ actor, id: params.id }));
