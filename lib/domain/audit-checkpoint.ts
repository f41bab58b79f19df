// A checkpoint of the audit chain: its head (id and hash) and how many events lead to it, at a time, MACed under
// the audit key. Kept outside the database (a JSON Lines file, webhooks), it shows a chain cut short. Pure.
import { createHmac, timingSafeEqual, type KeyObject } from "node:crypto";
import { z } from "zod";
import type { TAuditKeys } from "./audit-hash";
import { canonicalJson } from "./canonical-json";

export type TCheckpoint = { headId: string; headHash: string; count: number; at: string; keyId: string };
export type TSignedCheckpoint = TCheckpoint & { v: 1; mac: string };

const HEX64 = /^[0-9a-f]{64}$/;

const ZCheckpointLine = z.strictObject({
  v: z.literal(1),
  headId: z.string().regex(/^[1-9]\d{0,18}$/),
  headHash: z.string().regex(HEX64),
  count: z.number().int().positive(),
  at: z.iso.datetime(),
  keyId: z.string().min(1).max(100),
  mac: z.string().regex(HEX64),
});

function macOf(key: Buffer | KeyObject, cp: TCheckpoint): string {
  const body = canonicalJson({ headId: cp.headId, headHash: cp.headHash, count: cp.count, at: cp.at, keyId: cp.keyId });
  return createHmac("sha256", key).update(`fleetward-audit-checkpoint\n${body}`).digest("hex");
}

export function signCheckpoint(cp: TCheckpoint, key: Buffer | KeyObject): TSignedCheckpoint {
  return { v: 1, ...cp, mac: macOf(key, cp) };
}

export const checkpointLine = (cp: TSignedCheckpoint) => `${JSON.stringify(cp)}\n`;

export type TReadCheckpoint =
  | { ok: true; checkpoint: TSignedCheckpoint }
  | { ok: false; reason: "unreadable" | "forged" }
  | { ok: false; reason: "unheld"; keyId: string };

/** One line of the file: a checkpoint whose MAC verifies under a key held, or why not. */
export function readCheckpointLine(line: string, keys: TAuditKeys): TReadCheckpoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ok: false, reason: "unreadable" }; // e.g. a line cut short by a crash mid-write
  }
  const r = ZCheckpointLine.safeParse(parsed);
  if (!r.success) return { ok: false, reason: "unreadable" };
  const key = keys.get(r.data.keyId);
  if (!key) return { ok: false, reason: "unheld", keyId: r.data.keyId };
  const ok = timingSafeEqual(Buffer.from(macOf(key, r.data), "hex"), Buffer.from(r.data.mac, "hex"));
  return ok ? { ok: true, checkpoint: r.data } : { ok: false, reason: "forged" };
}

export type TNewestCheckpoint = { checkpoint: TSignedCheckpoint | null; skipped: { unreadable: number; forged: number; unheld: number } };

/**
 * The newest checkpoint that verifies, reading lines newest first (`lines` as in the file, oldest first). Lines
 * under a key this process does not hold (written before the audit key changed) and lines that do not verify are
 * passed over and counted.
 */
export function newestCheckpoint(lines: readonly string[], keys: TAuditKeys): TNewestCheckpoint {
  const skipped = { unreadable: 0, forged: 0, unheld: 0 };
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const r = readCheckpointLine(line, keys);
    if (r.ok) return { checkpoint: r.checkpoint, skipped };
    skipped[r.reason]++;
  }
  return { checkpoint: null, skipped };
}
