// How the message verifier tells the live inspector its verdicts: batches published on each broker under
// `fleetward/verdicts/<broker>`, each authenticated with an HMAC-SHA256 key only Fleetward and signed-in inspectors
// hold (any device allowed to publish there could otherwise forge "valid"). A verdict names the message by the
// SHA-256 of its payload (first 128 bits, base64url): the inspector hashes what it received and matches them.
// Wire form: `<key id>.<base64url HMAC of the JSON>.<JSON>`. Pure: no crypto here (node and the browser differ).
import type { TVerdict } from "./message-signing";

export const VERDICT_TOPIC_PREFIX = "fleetward/verdicts/";
export const verdictTopic = (broker: string) => `${VERDICT_TOPIC_PREFIX}${broker}`;

/** One verdict: message digest, topic, verdict, reason, device, counter, key id, and the content key of an encrypted one. */
export type TVerdictRow = { h: string; t: string; s: TVerdict; r: string | null; d: string | null; c: number | null; k: string | null; e?: string };

/** A verdict key's id and its derivation label: one key per master key and UTC day. */
export const verdictKeyId = (masterKeyId: string, day: string) => `${masterKeyId}:${day}`;
export const verdictKeyLabel = (keyId: string) => `fleetward-verdicts|${keyId}`;
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const DIGEST_CHARS = 22;

export function encodeVerdicts(keyId: string, mac: string, json: string): string {
  return `${keyId}.${mac}.${json}`;
}

export function decodeVerdicts(text: string): { keyId: string; mac: string; json: string } | null {
  const a = text.indexOf(".");
  const b = a < 0 ? -1 : text.indexOf(".", a + 1);
  if (a <= 0 || b <= a + 1) return null;
  return { keyId: text.slice(0, a), mac: text.slice(a + 1, b), json: text.slice(b + 1) };
}

/** The rows of an authenticated batch, keeping only well-formed ones. */
export function verdictRows(json: string): TVerdictRow[] {
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch {
    return [];
  }
  const rows = (body as { v?: unknown })?.v;
  return Array.isArray(rows) ? rows.filter((r): r is TVerdictRow => typeof r?.h === "string" && typeof r?.t === "string" && typeof r?.s === "string") : [];
}

/** How long a message waits for its verdict (and a verdict for its message) before the inspector gives up. */
export const VERDICT_WAIT_MS = 10_000;

export type TVerdictState = TVerdictRow | "pending" | "none";
type TAwaiting = { topic: string; digest: string; at: number; verdict: TVerdictState | null };

/**
 * Pairs the inspector's messages with the verifier's verdicts, which come by another publisher and so in any
 * order: by topic and payload digest, the first waiting message of a pair with the first verdict for it (a replay
 * is the same payload twice: the first copy gets the first verdict, "valid", the second "replayed"). Unpaired
 * ones wait VERDICT_WAIT_MS; a message then reads "none". Bounded by what the inspector keeps.
 */
export class VerdictMatcher<T extends TAwaiting> {
  private waiting = new Map<string, T[]>();
  private early = new Map<string, { row: TVerdictRow; at: number }[]>();

  message(m: T): void {
    const k = `${m.topic}|${m.digest}`;
    const row = this.early.get(k)?.shift();
    if (row) return void (m.verdict = row.row);
    m.verdict = "pending";
    this.waiting.set(k, [...(this.waiting.get(k) ?? []), m]);
  }

  verdict(row: TVerdictRow, now: number): void {
    const k = `${row.t}|${row.h}`;
    const m = this.waiting.get(k)?.shift();
    if (m) return void (m.verdict = row);
    this.early.set(k, [...(this.early.get(k) ?? []), { row, at: now }]);
  }

  expire(now: number): void {
    for (const [k, list] of this.waiting) {
      for (const m of list) if (now - m.at > VERDICT_WAIT_MS) m.verdict = "none";
      const left = list.filter((m) => m.verdict === "pending");
      if (left.length) this.waiting.set(k, left);
      else this.waiting.delete(k);
    }
    for (const [k, list] of this.early) {
      const left = list.filter((e) => now - e.at <= VERDICT_WAIT_MS);
      if (left.length) this.early.set(k, left);
      else this.early.delete(k);
    }
  }

  clear(): void {
    this.waiting.clear();
    this.early.clear();
  }
}
