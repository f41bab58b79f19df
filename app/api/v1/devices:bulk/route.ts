import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { createDevicesBulk } from "@/lib/server/services/devices/create-devices-bulk";

export const POST = route(API.createDevicesBulk, ({ actor, body }) => createDevicesBulk({ actor, input: body }));
