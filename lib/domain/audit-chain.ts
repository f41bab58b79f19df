// Walks the audit chain in id order, batch by batch, and says where and why it stops holding. Pure.
import { eventHash, eventMac, GENESIS_HASH, legacyEventHash, type TAuditKeys, type TStoredAuditEvent } from "./audit-hash";
import type { TCheckpoint } from "./audit-checkpoint";
import { CanonicalJsonError } from "./canonical-json";

/** The first event that does not hold, its position in the chain (1-based) and why, in words. */
export type TChainBreak = { id: string; position: number; why: string };

/** The chain ends before the head a checkpoint recorded: its newest events were removed. */
export type TMissingTail = { headId: string | null; count: number; checkpointHeadId: string; checkpointCount: number; missing: number };

export type TChainWalk = {
  readonly keys: TAuditKeys;
  readonly checkpoint: TCheckpoint | null;
  prevHash: string;
  prevId: string | null;
  checked: number;
  /** The first event with a MAC: from it on, every event must have one. */
  keyedFrom: string | null;
  /** The first event since the last one MACed under a held key whose key this process does not hold. */
  unvouched: { id: string; position: number; keyId: string } | null;
  checkpointSeen: boolean;
  broken: TChainBreak | null;
};

export const startWalk = (keys: TAuditKeys, checkpoint: TCheckpoint | null): TChainWalk => ({
  keys,
  checkpoint,
  prevHash: GENESIS_HASH,
  prevId: null,
  checked: 0,
  keyedFrom: null,
  unvouched: null,
  checkpointSeen: false,
  broken: null,
});

/** Ids are decimal text: compared by length, then digit by digit. */
const idAfter = (a: string, b: string) => (a.length !== b.length ? a.length > b.length : a > b);

type TUnvouched = NonNullable<TChainWalk["unvouched"]>;

/**
 * Checks the next events, in id order; stops at the first break, which it returns (and keeps in the walk). Links and
 * hashes are checked event by event. A MAC is checked where it matters: the newest event of the batch under a key
 * held vouches for every event before it (its hash covers them), so one HMAC per batch suffices; when it fails, the
 * batch's MACs are checked one by one to name the first that does not verify.
 */
export function walkEvents(walk: TChainWalk, events: readonly TStoredAuditEvent[]): TChainBreak | null {
  if (walk.broken) return walk.broken;
  const before = walk.checked;
  let end = events.length; // events [0, end) passed the checks of links and hashes
  let lastHeld = -1;
  let unheldAfter: TUnvouched | null = walk.unvouched;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    walk.checked++;
    const why = linkProblem(walk, e) ?? checkpointProblem(walk, e);
    if (why) {
      walk.broken = { id: e.id, position: walk.checked, why };
      end = i;
      break;
    }
    if (e.keyId !== null && walk.keys.has(e.keyId)) [lastHeld, unheldAfter] = [i, null];
    else if (e.keyId !== null) unheldAfter ??= { id: e.id, position: walk.checked, keyId: e.keyId };
    walk.prevHash = e.hash;
    walk.prevId = e.id;
  }
  const last = lastHeld >= 0 && lastHeld < end ? events[lastHeld]! : null;
  if (last && !macHolds(walk, last)) walk.broken = firstBadMac(walk, events.slice(0, lastHeld + 1), before);
  else if (!walk.broken) walk.unvouched = unheldAfter;
  return walk.broken;
}

const macHolds = (walk: TChainWalk, e: TStoredAuditEvent) => eventMac(walk.keys.get(e.keyId!)!, e.hash) === e.mac;

function firstBadMac(walk: TChainWalk, events: readonly TStoredAuditEvent[], before: number): TChainBreak {
  let pending = walk.unvouched;
  for (let i = 0; ; i++) {
    const e = events[i]!;
    if (e.keyId === null) continue;
    if (!walk.keys.has(e.keyId)) pending ??= { id: e.id, position: before + i + 1, keyId: e.keyId };
    else if (macHolds(walk, e)) pending = null;
    else {
      const earlier = pending ? ` (or an event from #${pending.id} on, under audit key ${pending.keyId}, which this process does not hold)` : "";
      return { id: e.id, position: before + i + 1, why: `its MAC does not verify under audit key ${e.keyId}: it${earlier} was rewritten and rehashed by someone without the key` };
    }
  }
}

function expectedHash(e: TStoredAuditEvent): string | { refused: string } {
  try {
    return e.keyId === null ? legacyEventHash(e.prevHash, e) : eventHash(e.prevHash, e as TStoredAuditEvent & { keyId: string });
  } catch (err) {
    if (err instanceof CanonicalJsonError) return { refused: err.message };
    throw err;
  }
}

function linkProblem(walk: TChainWalk, e: TStoredAuditEvent): string | null {
  if (e.prevHash !== walk.prevHash) {
    return walk.prevId === null
      ? "does not start the chain: the events before it were removed"
      : `does not link to event #${walk.prevId} before it: an event between them was removed or inserted, or one was rewritten`;
  }
  if ((e.keyId === null) !== (e.mac === null)) return "has a key id without a MAC or a MAC without a key id: it was edited in the database";
  if (e.keyId === null && walk.keyedFrom !== null) {
    return `has no MAC, yet every event from #${walk.keyedFrom} on is MACed: it was written or rewritten by someone without the audit key`;
  }
  const expected = expectedHash(e);
  if (typeof expected !== "string") return `cannot be hashed (${expected.refused}): no event is ever written so, it was edited in the database`;
  if (expected !== e.hash) return "does not match its hash: one of its fields was edited after it was written";
  if (e.keyId !== null) walk.keyedFrom ??= e.id;
  return null;
}

function checkpointProblem(walk: TChainWalk, e: TStoredAuditEvent): string | null {
  const cp = walk.checkpoint;
  if (!cp || walk.checkpointSeen) return null;
  if (e.id === cp.headId) {
    walk.checkpointSeen = true;
    if (e.hash !== cp.headHash) return `is not the event the checkpoint of ${cp.at} recorded at #${cp.headId} (another hash)`;
    if (walk.checked !== cp.count) return `is event number ${walk.checked} of the chain, but the checkpoint of ${cp.at} counted ${cp.count} up to it`;
    return null;
  }
  if (!idAfter(e.id, cp.headId)) return null;
  walk.checkpointSeen = true;
  return `comes after the place of event #${cp.headId}, the head the checkpoint of ${cp.at} recorded, which is gone: events were removed`;
}

/** After the last batch: a break, or a tail that is missing against the checkpoint, or neither. */
export function finishWalk(walk: TChainWalk): { broken: TChainBreak | null; missingTail: TMissingTail | null } {
  if (walk.broken) return { broken: walk.broken, missingTail: null };
  if (walk.unvouched) {
    const { id, position, keyId } = walk.unvouched;
    return { broken: { id, position, why: `is MACed under audit key ${keyId}, which this process does not hold, and no later event under a key it holds vouches for it` }, missingTail: null };
  }
  const cp = walk.checkpoint;
  if (!cp || walk.checkpointSeen) return { broken: null, missingTail: null };
  return {
    broken: null,
    missingTail: { headId: walk.prevId, count: walk.checked, checkpointHeadId: cp.headId, checkpointCount: cp.count, missing: cp.count - walk.checked },
  };
}
