import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { getDetectionSettings, setDetectionSettings } from "@/lib/server/services/security/detection-settings";

export const GET = route(API.getDetection, () => getDetectionSettings());

export const PUT = route(API.setDetection, ({ actor, body }) => setDetectionSettings({ actor, input: body }));
