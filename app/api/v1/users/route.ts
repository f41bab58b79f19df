import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { createUser } from "@/lib/server/services/users/create-user";
import { findUsers } from "@/lib/server/services/users/find-users";

export const GET = route(API.listUsers, ({ query }) => findUsers(query));

export const POST = route(API.createUser, ({ actor, body }) => createUser({ actor, input: body }));
