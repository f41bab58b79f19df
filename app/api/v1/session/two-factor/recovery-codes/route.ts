import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { regenerateRecoveryCodes } from "@/lib/server/services/auth/regenerate-recovery-codes";

export const POST = route(API.regenerateRecoveryCodes, ({ actor, body }) => regenerateRecoveryCodes({ actor, code: body.code }));
