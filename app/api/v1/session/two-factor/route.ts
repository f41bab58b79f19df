import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { getTwoFactorStatus } from "@/lib/server/services/auth/get-two-factor-status";

export const GET = route(API.getTwoFactor, ({ actor }) => getTwoFactorStatus(actor));
