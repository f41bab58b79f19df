import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { exportAuditEvents } from "@/lib/server/services/audit/export-audit-events";

export const GET = route(API.exportAudit, ({ actor, query }) => exportAuditEvents({ actor, query }));
