import "server-only";
import type { TSeverity } from "@/lib/domain/security/detection";
import type { TTx } from "../../db";

export type TFindingInput = { rule: string; subject: string; severity: TSeverity; title: string; detail: string; evidence: Record<string, unknown> };

/**
 * Opens a finding, or refreshes the open one of the same rule and subject (its text, evidence and last time; its
 * count too when `recount`: a detection rule firing again). Returns whether it was new.
 */
export async function upsertFinding(tx: TTx, f: TFindingInput, at: Date, recount: boolean): Promise<{ id: string; created: boolean }> {
  const [row] = await tx.$queryRaw<{ id: string; created: boolean }[]>`
    INSERT INTO "SecurityFinding" ("id", "rule", "subject", "severity", "title", "detail", "evidence", "count", "firstAt", "lastAt")
    VALUES (gen_random_uuid(), ${f.rule}, ${f.subject}, ${f.severity}, ${f.title}, ${f.detail}, ${JSON.stringify(f.evidence)}::jsonb, 1, ${at}, ${at})
    ON CONFLICT ("rule", "subject") WHERE "resolvedAt" IS NULL
    DO UPDATE SET "count" = "SecurityFinding"."count" + ${recount ? 1 : 0}, "lastAt" = EXCLUDED."lastAt", "severity" = EXCLUDED."severity",
      "title" = EXCLUDED."title", "detail" = EXCLUDED."detail", "evidence" = EXCLUDED."evidence"
    RETURNING "id"::text, (xmax = 0) AS created`;
  return row!;
}
