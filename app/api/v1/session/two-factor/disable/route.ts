import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { disableTwoFactor } from "@/lib/server/services/auth/disable-two-factor";

export const POST = route(API.disableTwoFactor, ({ actor, body }) => disableTwoFactor({ actor, code: body.code }));
