import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { importCa } from "@/lib/server/services/ca/import-ca";

export const POST = route(API.importCa, ({ actor, body }) => importCa({ actor, input: body }));
