import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { lookupDevices } from "@/lib/server/services/devices/lookup-devices";

export const POST = route(API.lookupDevices, ({ body }) => lookupDevices(body.clientIds));
