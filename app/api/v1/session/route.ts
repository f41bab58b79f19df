import { PERMISSIONS, can, type TPermission } from "@/lib/domain/permissions";
import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { endSession } from "@/lib/server/services/auth/end-session";

export const GET = route(API.getSession, async ({ actor, role }) => ({
  kind: actor.type,
  id: actor.id,
  label: actor.label,
  role,
  permissions: (Object.keys(PERMISSIONS) as TPermission[]).filter((p) => can(role, p)),
}));

export const DELETE = route(API.endSession, async ({ actor, sessionId }) => ({
  ended: sessionId ? await endSession(sessionId, actor, "sign_out") : false,
}));
