import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { deleteDevice } from "@/lib/server/services/devices/delete-device";
import { getDevice } from "@/lib/server/services/devices/find-devices";
import { updateDevice } from "@/lib/server/services/devices/update-device";

export const GET = route(API.getDevice, ({ params }) => getDevice(params.id));

export const PATCH = route(API.updateDevice, ({ actor, params, body }) => updateDevice({ actor, id: params.id, input: body }));

export const DELETE = route(API.deleteDevice, ({ actor, params }) => deleteDevice({ actor, id: params.id }));
