import { createHmac, hash, type KeyObject } from "node:crypto";
import { canonicalJson } from "./canonical-json";

// The audit chain: each event's hash covers the hash before it, so one hash vouches for every event up to it.
// From the keyed chain on, each event also carries a MAC of its hash under the audit key, which comes from the
// environment and never from the database: whoever holds the database can recompute hashes, not MACs.

/** The first event of the chain links to this. */
export const GENESIS_HASH = "0".repeat(64);

/** Audit key id -> MAC key: the keys a process holds (lib/server/audit-key.ts). */
export type TAuditKeys = ReadonlyMap<string, Buffer | KeyObject>;

export type TAuditEventContent = {
  /** A Date, or the exact ISO text (with milliseconds and Z) its toISOString() gives. */
  at: Date | string;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: unknown;
};

/** An event as stored. Events written before the keyed chain have no key id and no MAC. */
export type TStoredAuditEvent = TAuditEventContent & { id: string; prevHash: string; hash: string; keyId: string | null; mac: string | null };

const fields = (e: TAuditEventContent) => ({
  at: typeof e.at === "string" ? e.at : e.at.toISOString(),
  actorType: e.actorType,
  actorId: e.actorId,
  actorLabel: e.actorLabel,
  action: e.action,
  targetType: e.targetType,
  targetId: e.targetId,
  ip: e.ip,
  userAgent: e.userAgent,
  details: e.details ?? null,
});

/**
 * The rule of the chain before it was keyed: SHA-256(prevHash LF canonical event, without its id). Events written
 * under it, up to the anchor that starts the keyed chain, are still checked by it; the anchor's MAC seals them.
 */
export function legacyEventHash(prevHash: string, e: TAuditEventContent): string {
  // One-shot hashing: a million events are verified in one go.
  return hash("sha256", `${prevHash}\n${canonicalJson(fields(e))}`, "hex");
}

/** SHA-256 over the previous hash, the event's id, every stored field and the id of the key that MACs it. */
export function eventHash(prevHash: string, e: TAuditEventContent & { id: string; keyId: string }): string {
  // One literal, not a spread: a million of these are hashed in one verification, and a spread copy is ~3x slower.
  const body = canonicalJson({
    id: e.id,
    at: typeof e.at === "string" ? e.at : e.at.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    ip: e.ip,
    userAgent: e.userAgent,
    details: e.details ?? null,
    keyId: e.keyId,
  });
  return hash("sha256", `fleetward-audit-v1\n${prevHash}\n${body}`, "hex");
}

/** HMAC-SHA256 of an event's hash under the audit key. */
export function eventMac(key: Buffer | KeyObject, eventHashHex: string): string {
  return createHmac("sha256", key).update(`fleetward-audit-event\n${eventHashHex}`).digest("hex");
}
