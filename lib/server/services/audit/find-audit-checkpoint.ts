import "server-only";
import type { TAuditCheckpoint } from "@/lib/schemas/audit";
import { auditKeyRing } from "../../audit-key";
import { AppError } from "../../errors";
import { checkpointFilePath, readNewestCheckpoint } from "./checkpoint-file";

export type TAuditCheckpointView = { checkpoint: TAuditCheckpoint | null; file: string; error: string | null };

/** The newest checkpoint of the chain that verifies under a key held, and the file it is kept in (for the Audit page). */
export async function findAuditCheckpoint(): Promise<TAuditCheckpointView> {
  const file = checkpointFilePath();
  try {
    const { checkpoint: cp } = await readNewestCheckpoint(auditKeyRing().held);
    return { checkpoint: cp ? { headId: cp.headId, count: cp.count, at: cp.at, keyId: cp.keyId } : null, file, error: null };
  } catch (e) {
    if (e instanceof AppError) return { checkpoint: null, file, error: e.message };
    throw e;
  }
}
