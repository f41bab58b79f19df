import { hash } from "node:crypto";
import { canonicalJson } from "./canonical-json";

/** The first event of the chain links to this. */
export const GENESIS_HASH = "0".repeat(64);

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

/** hash = SHA-256(prevHash || canonical event). Any change to an event or to the order breaks every later hash. */
export function auditEventHash(prevHash: string, e: TAuditEventContent): string {
  const body = canonicalJson({
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
  // One-shot hashing: a million events are verified in one go.
  return hash("sha256", `${prevHash}\n${body}`, "hex");
}

export type TChainLink = TAuditEventContent & { id: string; prevHash: string; hash: string };

/**
 * Checks links in order, starting after `prevHash`. Returns the id of the first event whose link or
 * content does not match, or null.
 */
export function firstBrokenLink(prevHash: string, links: readonly TChainLink[]): string | null {
  let expectedPrev = prevHash;
  for (const link of links) {
    if (link.prevHash !== expectedPrev || auditEventHash(link.prevHash, link) !== link.hash) return link.id;
    expectedPrev = link.hash;
  }
  return null;
}
