import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { rotateDeviceCredential } from "@/lib/server/services/devices/rotate-device-credential";

export const POST = route(API.rotateDevice, ({ actor, params, body }) => rotateDeviceCredential({ actor, id: params.id, csrPem: body.csrPem }));
