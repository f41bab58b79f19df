import { driftedFiles, type TFileDigests } from "./broker-files";

export const SYNC_STATES = ["in_sync", "syncing", "drifted", "offline", "error"] as const;
export type TSyncState = (typeof SYNC_STATES)[number];

/** A broker is offline when its agent has not been heard from for this long (heartbeats come every 5 s). */
export const OFFLINE_AFTER_MS = 20_000;

export type TSyncFacts = {
  lastSeenAt: Date | null;
  desiredRevision: bigint;
  appliedRevision: bigint;
  expectedDigests: Partial<TFileDigests> | null;
  actualDigests: Partial<TFileDigests> | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  appliedAt: Date | null;
};

/** One state per broker, in order of what the operator must look at first. */
export function syncState(f: TSyncFacts, now: Date): TSyncState {
  if (!f.lastSeenAt || now.getTime() - f.lastSeenAt.getTime() > OFFLINE_AFTER_MS) return "offline";
  if (f.lastError && (!f.appliedAt || (f.lastErrorAt && f.lastErrorAt > f.appliedAt))) return "error";
  if (driftedFiles(f.expectedDigests, f.actualDigests).length > 0) return "drifted";
  if (f.appliedRevision < f.desiredRevision) return "syncing";
  return "in_sync";
}
