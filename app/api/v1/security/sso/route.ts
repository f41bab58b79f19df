import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { getSso, setSsoSettings } from "@/lib/server/services/auth/sso-settings";

export const GET = route(API.getSso, () => getSso());

export const PUT = route(API.setSso, ({ actor, body }) => setSsoSettings({ actor, input: body }));
