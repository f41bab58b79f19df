import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { resolveFinding } from "@/lib/server/services/security/resolve-finding";

export const POST = route(API.resolveFinding, ({ actor, params, body }) => resolveFinding({ actor, id: params.id, note: body.note }));
