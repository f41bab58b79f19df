import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { getUser } from "@/lib/server/services/users/find-users";
import { updateUser } from "@/lib/server/services/users/update-user";

export const GET = route(API.getUser, ({ params }) => getUser(params.id));

export const PATCH = route(API.updateUser, ({ actor, params, body }) => updateUser({ actor, id: params.id, input: body }));
