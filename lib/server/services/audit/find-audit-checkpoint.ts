import "server-only";
import type { TAuditCheckpoint } from "@/lib/schemas/audit";
import { auditKeyRing } from "../../audit-key";
import { checkpointFilePath, readNewestCheckpoint } from "./checkpoint-file";

/** The newest checkpoint of the chain that verifies under a key held, and the file it is kept in (for the Audit page). */
export async function findAuditCheckpoint(): Promise<{ checkpoint: TAuditCheckpoint | null; file: string }> {
  const { checkpoint: cp } = await readNewestCheckpoint(auditKeyRing().held);
  return { checkpoint: cp ? { headId: cp.headId, count: cp.count, at: cp.at, keyId: cp.keyId } : null, file: checkpointFilePath() };
}
