import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { rotateBrokerAdminIdentity } from "@/lib/server/services/brokers/rotate-broker-admin-identity";

export const PUT = route(API.rotateBrokerAdminIdentity, ({ actor, params, body }) => rotateBrokerAdminIdentity({ actor, id: params.id, input: body }));
