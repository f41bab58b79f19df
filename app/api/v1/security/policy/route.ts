import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { getSecurityPolicy, setSecurityPolicy } from "@/lib/server/services/security/security-policy";

export const GET = route(API.getSecurityPolicy, () => getSecurityPolicy());

export const PUT = route(API.setSecurityPolicy, ({ actor, body }) => setSecurityPolicy({ actor, input: body }));
