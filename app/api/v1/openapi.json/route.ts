import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { buildOpenApi } from "@/lib/server/openapi";

export const GET = route(API.openapi, async () => buildOpenApi());
