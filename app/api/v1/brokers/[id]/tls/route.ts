import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { probeBrokerTls } from "@/lib/server/services/brokers/probe-broker-tls";

export const GET = route(API.getBrokerTls, ({ params }) => probeBrokerTls(params.id));
