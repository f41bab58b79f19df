import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { runPostureChecks } from "@/lib/server/services/security/run-posture-checks";

export const POST = route(API.runPosture, ({ actor }) => runPostureChecks(actor));
