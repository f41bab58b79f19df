import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { startTwoFactorEnrolment } from "@/lib/server/services/auth/start-two-factor-enrolment";

export const POST = route(API.startTwoFactorEnrolment, ({ actor, body }) => startTwoFactorEnrolment({ actor, password: body.password }));
