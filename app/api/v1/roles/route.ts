import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { listRoles } from "@/lib/server/services/acl/find-roles";
import { saveRole } from "@/lib/server/services/acl/save-role";

export const GET = route(API.listRoles, () => listRoles());

export const POST = route(API.createRole, ({ actor, body }) => saveRole({ actor, input: body }));
