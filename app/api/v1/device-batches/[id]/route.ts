import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { getDeviceBatch } from "@/lib/server/services/devices/get-device-batch";

export const GET = route(API.getDeviceBatch, ({ params }) => getDeviceBatch(params.id));
