import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { findAuditEvents } from "@/lib/server/services/audit/find-audit-events";

export const GET = route(API.listAudit, ({ query }) => findAuditEvents(query));
