import "server-only";
import type { TSeverity } from "@/lib/domain/security/detection";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";
import { upsertFinding } from "../security/upsert-finding";

export const VERIFIER: TActor = { type: "system", id: null, label: "message verifier", ip: null, userAgent: null };

/** Messages judged since the last record, by key: the highest counter accepted and when. */
export type TCounterUpdate = { kid: string; ctr: number; at: Date };

/** One finding's share of what was judged since the last record: how many messages, and the latest one's evidence. */
export type TSigningFinding = { rule: string; subject: string; severity: TSeverity; title: string; detail: string; evidence: Record<string, unknown>; count: number };

/**
 * Stores what the message verifier saw: each key's highest accepted counter (so a replay is caught after a restart
 * too), and the findings (unsigned traffic on signed-only topics, invalid signatures, replays, stale messages)
 * counted per device. A new finding is audited.
 */
export async function recordSignedTraffic(counters: readonly TCounterUpdate[], findings: readonly TSigningFinding[], now = new Date()): Promise<void> {
  if (counters.length) {
    await db.$executeRaw`
        UPDATE "SigningKey" k SET "lastCounter" = GREATEST(COALESCE(k."lastCounter", -1), u.ctr), "lastSeenAt" = u.at
        FROM unnest(${counters.map((c) => c.kid)}::text[], ${counters.map((c) => c.ctr)}::bigint[], ${counters.map((c) => c.at)}::timestamp[]) AS u(kid, ctr, at)
        WHERE k.id = u.kid`;
  }
  for (const f of findings) {
    await change(async (tx) => {
      const { count, ...finding } = f;
      const row = await upsertFinding(tx, finding, now, count);
      if (row.created) await appendAudit(tx, VERIFIER, { action: "security.finding_raised", targetType: "finding", targetId: row.id, details: { rule: f.rule, subject: f.subject, severity: f.severity } });
    });
  }
}
