import "server-only";
import type { TSeverity } from "@/lib/domain/security/detection";
import { findingEvent } from "@/lib/domain/security/webhooks";
import type { TTx } from "../../db";
import { enqueueWebhooks } from "../webhooks/enqueue-webhooks";

export type TFindingInput = { rule: string; subject: string; severity: TSeverity; title: string; detail: string; evidence: Record<string, unknown> };

/**
 * Opens a finding, or refreshes the open one of the same rule and subject (its text, evidence and last time; its
 * count too when `recount`: a detection rule firing again, `true` for once or a number for that many). A new one of high severity, or an expiring
 * certificate, is announced to the webhook targets that take it. Returns whether it was new.
 */
export async function upsertFinding(tx: TTx, f: TFindingInput, at: Date, recount: boolean | number): Promise<{ id: string; created: boolean }> {
  const times = recount === true ? 1 : recount === false ? 0 : recount;
  const [row] = await tx.$queryRaw<{ id: string; created: boolean }[]>`
    INSERT INTO "SecurityFinding" ("id", "rule", "subject", "severity", "title", "detail", "evidence", "count", "firstAt", "lastAt")
    VALUES (gen_random_uuid(), ${f.rule}, ${f.subject}, ${f.severity}, ${f.title}, ${f.detail}, ${JSON.stringify(f.evidence)}::jsonb, ${Math.max(1, times)}, ${at}, ${at})
    ON CONFLICT ("rule", "subject") WHERE "resolvedAt" IS NULL
    DO UPDATE SET "count" = "SecurityFinding"."count" + ${times}, "lastAt" = EXCLUDED."lastAt", "severity" = EXCLUDED."severity",
      "title" = EXCLUDED."title", "detail" = EXCLUDED."detail", "evidence" = EXCLUDED."evidence"
    RETURNING "id"::text, (xmax = 0) AS created`;
  const event = row!.created ? findingEvent(f) : null;
  if (event) {
    const { rule, subject, severity, title, detail, evidence } = f;
    await enqueueWebhooks(tx, event, { finding: { id: row!.id, rule, subject, severity, title, detail, evidence, firstAt: at.toISOString() }, link: `/security?finding=${row!.id}` });
  }
  return row!;
}
