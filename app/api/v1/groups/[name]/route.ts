import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { deleteGroup } from "@/lib/server/services/acl/delete-group";
import { getGroup } from "@/lib/server/services/acl/find-groups";
import { saveGroup } from "@/lib/server/services/acl/save-group";

export const GET = route(API.getGroup, ({ params }) => getGroup(params.name));

export const PUT = route(API.updateGroup, ({ actor, params, body }) => saveGroup({ actor, input: body, previousName: params.name }));

export const DELETE = route(API.deleteGroup, ({ actor, params }) => deleteGroup({ actor, name: params.name }));
