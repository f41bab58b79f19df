import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { listGroups } from "@/lib/server/services/acl/find-groups";
import { saveGroup } from "@/lib/server/services/acl/save-group";

export const GET = route(API.listGroups, () => listGroups());

export const POST = route(API.createGroup, ({ actor, body }) => saveGroup({ actor, input: body }));
