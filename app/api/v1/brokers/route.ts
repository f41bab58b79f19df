import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { findBrokers } from "@/lib/server/services/brokers/find-brokers";
import { registerBroker } from "@/lib/server/services/brokers/register-broker";

export const GET = route(API.listBrokers, () => findBrokers());

export const POST = route(API.createBroker, ({ actor, body }) => registerBroker({ actor, input: body }));
