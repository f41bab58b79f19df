import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { lintAcl } from "@/lib/server/services/acl/lint-acl";

export const POST = route(API.lintAcl, ({ actor, body }) => lintAcl({ actor, policy: body }));
