import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { deleteBroker } from "@/lib/server/services/brokers/delete-broker";
import { getBroker } from "@/lib/server/services/brokers/find-brokers";

export const GET = route(API.getBroker, ({ params }) => getBroker(params.id));

export const DELETE = route(API.deleteBroker, ({ actor, params }) => deleteBroker({ actor, id: params.id }));
