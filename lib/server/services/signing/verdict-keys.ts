import "server-only";
import { createHash, createHmac } from "node:crypto";
import { DIGEST_CHARS, utcDay, verdictKeyId, verdictKeyLabel } from "@/lib/domain/message-verdicts";
import { masterKeyRing, type TMasterKey } from "../../secrets";

const DAY_MS = 86_400_000;

const derive = (master: TMasterKey, id: string) => createHmac("sha256", master.key).update(verdictKeyLabel(id)).digest();

/** The key the verifier authenticates today's verdicts with (under the current master key). */
export function currentVerdictKey(now = Date.now()): { id: string; key: Buffer } {
  const master = masterKeyRing().current;
  const id = verdictKeyId(master.id, utcDay(now));
  return { id, key: derive(master, id) };
}

/**
 * The keys an inspector may need while its live credential lasts: today's and tomorrow's, under each master key
 * this process holds (a verifier not yet restarted after a master key rotation still uses the previous one).
 */
export function inspectorVerdictKeys(now = Date.now()): { id: string; key: string }[] {
  const ring = masterKeyRing();
  return [ring.current, ...(ring.previous ? [ring.previous] : [])].flatMap((master) =>
    [utcDay(now), utcDay(now + DAY_MS)].map((day) => {
      const id = verdictKeyId(master.id, day);
      return { id, key: derive(master, id).toString("base64url") };
    }),
  );
}

/** How a verdict names its message: the first 128 bits of the payload's SHA-256, base64url (the inspector hashes alike). */
export const verdictDigest = (payload: Buffer) => createHash("sha256").update(payload).digest("base64url").slice(0, DIGEST_CHARS);
