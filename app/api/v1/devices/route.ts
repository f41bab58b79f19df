import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { findDevices } from "@/lib/server/services/devices/find-devices";

export const GET = route(API.listDevices, ({ query }) => findDevices(query));

export const POST = route(API.createDevice, ({ actor, body }) => createDevice({ actor, input: body }));
