import "server-only";
import { signCheckpoint, type TSignedCheckpoint } from "@/lib/domain/audit-checkpoint";
import { anchorAuditChain } from "../../audit";
import { auditKeyRing } from "../../audit-key";
import { change } from "../../change";
import { db } from "../../db";
import { enqueueWebhooks } from "../webhooks/enqueue-webhooks";
import { appendCheckpoint, checkpointFilePath, readNewestCheckpoint } from "./checkpoint-file";

export type TWriteAuditCheckpointOptions = {
  /** Write when at least this many events were appended since the newest checkpoint… */
  minEvents?: number;
  /** …or when it is older than this and the chain has grown. */
  maxAgeMs?: number;
};

export type TAuditCheckpointWrite =
  | { written: TSignedCheckpoint; file: string; webhooks: number }
  | { written: null; file: string; reason: "empty" | "unchanged" | "not due" | "behind" | "rewritten"; newest: TSignedCheckpoint | null };

type THead = { id: string; hash: string; mac: string | null };

const head = async () => (await db.$queryRaw<THead[]>`SELECT e."id"::text AS id, e."hash", e."mac" FROM "AuditEvent" e ORDER BY e."id" DESC LIMIT 1`)[0];

/**
 * Records the chain's head (id, hash, how many events lead to it) in a checkpoint MACed under the audit key: one
 * line appended to the checkpoint file, and a copy to each webhook target that takes `audit.checkpoint`. Only
 * committed events are seen. It never records a head behind the newest checkpoint, nor one whose chain no longer
 * holds that checkpoint's head: that is what a truncation or a rewrite looks like, and verification reports it.
 * Not audited: an audit event would move the head it records.
 */
export async function writeAuditCheckpoint({ minEvents = 1, maxAgeMs = 0 }: TWriteAuditCheckpointOptions = {}): Promise<TAuditCheckpointWrite> {
  const file = checkpointFilePath();
  const ring = auditKeyRing();
  const newest = (await readNewestCheckpoint(ring.held)).checkpoint;
  let h = await head();
  if (!h) return { written: null, file, reason: "empty", newest };
  if (h.mac === null) {
    await change((tx) => anchorAuditChain(tx)); // a chain from before the keyed chain: anchored first
    h = (await head())!;
  }
  if (newest) {
    const refused = (reason: "unchanged" | "not due" | "behind" | "rewritten") => ({ written: null, file, reason, newest }) as const;
    const [headId, newestId] = [BigInt(h.id), BigInt(newest.headId)];
    if (headId === newestId) return refused("unchanged");
    if (headId < newestId) return refused("behind");
    const [then] = await db.$queryRaw<{ hash: string }[]>`SELECT "hash" FROM "AuditEvent" WHERE "id" = ${newestId}`;
    if (then?.hash !== newest.headHash) return refused("rewritten");
    if (headId - newestId < BigInt(minEvents) && Date.now() - Date.parse(newest.at) < maxAgeMs) return refused("not due");
  }
  // Counted from the newest checkpoint on, so a long chain is not counted again each time.
  const [since] = newest
    ? await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "AuditEvent" WHERE "id" > ${BigInt(newest.headId)} AND "id" <= ${BigInt(h.id)}`
    : await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "AuditEvent" WHERE "id" <= ${BigInt(h.id)}`;
  const cp = signCheckpoint({ headId: h.id, headHash: h.hash, count: (newest?.count ?? 0) + since!.n, at: new Date().toISOString(), keyId: ring.current.id }, ring.current.key);
  await appendCheckpoint(cp);
  const sent = await db.$transaction((tx) => enqueueWebhooks(tx, "audit.checkpoint", { ...cp }));
  return { written: cp, file, webhooks: sent.length };
}
