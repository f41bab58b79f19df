import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { resetUserTwoFactor } from "@/lib/server/services/users/reset-user-two-factor";

export const POST = route(API.resetUserTwoFactor, ({ actor, params }) => resetUserTwoFactor({ actor, id: params.id }));
