import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { simulateAccess } from "@/lib/server/services/acl/simulate-access";

export const POST = route(API.simulateAccess, ({ actor, body }) => simulateAccess(body, { actor }));
