import { API } from "@/lib/schemas/api";
import { route } from "@/lib/server/gate";
import { verifyAuditChain } from "@/lib/server/services/audit/verify-audit-chain";

export const GET = route(API.verifyAudit, () => verifyAuditChain());
