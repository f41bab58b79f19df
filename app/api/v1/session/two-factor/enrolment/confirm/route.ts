import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { confirmTwoFactorEnrolment } from "@/lib/server/services/auth/confirm-two-factor-enrolment";

export const POST = route(API.confirmTwoFactorEnrolment, ({ actor, body }) => confirmTwoFactorEnrolment({ actor, code: body.code }));
