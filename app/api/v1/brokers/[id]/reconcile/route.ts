import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { reconcileBroker } from "@/lib/server/services/brokers/reconcile-broker";

export const POST = route(API.reconcileBroker, ({ actor, params }) => reconcileBroker({ actor, id: params.id }));
