import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { cancelDeviceBatch } from "@/lib/server/services/devices/cancel-device-batch";

export const POST = route(API.cancelDeviceBatch, ({ actor, params }) => cancelDeviceBatch({ actor, id: params.id }));
