import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { deleteRole } from "@/lib/server/services/acl/delete-role";
import { getRole } from "@/lib/server/services/acl/find-roles";
import { saveRole } from "@/lib/server/services/acl/save-role";

export const GET = route(API.getRole, ({ params }) => getRole(params.name));

export const PUT = route(API.updateRole, ({ actor, params, body }) => saveRole({ actor, input: body, previousName: params.name }));

export const DELETE = route(API.deleteRole, ({ actor, params }) => deleteRole({ actor, name: params.name }));
