import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { diffBrokerState } from "@/lib/server/services/brokers/diff-broker-state";

export const GET = route(API.getBrokerDrift, ({ params }) => diffBrokerState(params.id));
