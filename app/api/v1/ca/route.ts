import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { createCa } from "@/lib/server/services/ca/create-ca";
import { findCas } from "@/lib/server/services/ca/find-cas";

export const GET = route(API.listCas, () => findCas());

export const POST = route(API.createCa, ({ actor, body }) => createCa({ actor, input: body }));
