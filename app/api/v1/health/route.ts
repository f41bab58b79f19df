import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { checkHealth } from "@/lib/server/services/system/check-health";

export const GET = route(API.health, () => checkHealth());
