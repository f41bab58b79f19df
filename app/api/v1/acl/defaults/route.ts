import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { getAclDefaults } from "@/lib/server/services/acl/get-acl-defaults";
import { setAclDefaults } from "@/lib/server/services/acl/set-acl-defaults";

export const GET = route(API.getAclDefaults, () => getAclDefaults());

export const PUT = route(API.setAclDefaults, ({ actor, body }) => setAclDefaults({ actor, input: body }));
