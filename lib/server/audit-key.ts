import "server-only";
import { hkdfSync } from "node:crypto";
import type { TAuditKeys } from "@/lib/domain/audit-hash";
import { masterKeyRing, parseMasterKey, type TMasterKey } from "./secrets";

// The audit chain's MAC key comes from the environment, never from the database: FLEETWARD_AUDIT_KEY when set (a
// key of its own, which an auditor can hold without the master key), otherwise derived from FLEETWARD_MASTER_KEY.
// Its id names where it came from and which key ("audit:<id>" or "master:<id>", the id as the master key's: the
// first 8 hex digits of SHA-256 of the key). Every event and checkpoint records the id it was MACed under.
//
// When the key changes (a master key rotation, FLEETWARD_AUDIT_KEY set or replaced), older events keep their MACs:
// while the old key is held (FLEETWARD_MASTER_KEY_PREVIOUS) they are checked by it; once it is gone, their hashes
// are still checked and the first later event MACed under a held key vouches for them, since its hash covers them.

export type TAuditKey = { id: string; key: Buffer };
export type TAuditKeyRing = { current: TAuditKey; held: TAuditKeys };

const derive = (k: TMasterKey) => Buffer.from(hkdfSync("sha256", k.key, "fleetward", "audit chain v1", 32));

let cached: { raw: string; ring: TAuditKeyRing } | null = null;

/** The key new events and checkpoints are MACed under, and every key this process can check MACs with. */
export function auditKeyRing(): TAuditKeyRing {
  const { current, previous } = masterKeyRing();
  const dedicated = process.env.FLEETWARD_AUDIT_KEY || undefined;
  const raw = `${current.id}|${previous?.id ?? ""}|${dedicated ?? ""}`;
  if (cached?.raw === raw) return cached.ring;
  const keys: TAuditKey[] = [];
  if (dedicated) {
    const k = parseMasterKey(dedicated, "FLEETWARD_AUDIT_KEY");
    keys.push({ id: `audit:${k.id}`, key: derive(k) });
  }
  for (const k of previous ? [current, previous] : [current]) keys.push({ id: `master:${k.id}`, key: derive(k) });
  const ring = { current: keys[0]!, held: new Map(keys.map((k) => [k.id, k.key])) };
  cached = { raw, ring };
  return ring;
}
