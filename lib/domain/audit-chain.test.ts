import { describe, expect, it } from "vitest";
import { finishWalk, startWalk, walkEvents } from "./audit-chain";
import type { TCheckpoint } from "./audit-checkpoint";
import { eventHash, eventMac, GENESIS_HASH, legacyEventHash, type TStoredAuditEvent } from "./audit-hash";

const K1 = { id: "master:11111111", key: Buffer.alloc(32, 1) };
const K2 = { id: "master:22222222", key: Buffer.alloc(32, 2) };
const keys = (...ks: { id: string; key: Buffer }[]) => new Map(ks.map((k) => [k.id, k.key]));

type TSpec = { key?: { id: string; key: Buffer } | null; details?: unknown };

/** A chain as the product writes it: `null` key = an event from before the keyed chain. */
function chain(specs: TSpec[], firstId = 1): TStoredAuditEvent[] {
  const out: TStoredAuditEvent[] = [];
  let prev = GENESIS_HASH;
  specs.forEach((s, i) => {
    const content = { at: `2026-01-01T00:00:0${i % 10}.000Z`, actorType: "user", actorId: null, actorLabel: "a@example.com", action: `a.${i}`, targetType: null, targetId: null, ip: null, userAgent: null, details: s.details ?? { i } };
    const id = String(firstId + i);
    const key = s.key === undefined ? K1 : s.key;
    const hash = key ? eventHash(prev, { ...content, id, keyId: key.id }) : legacyEventHash(prev, content);
    out.push({ ...content, id, prevHash: prev, hash, keyId: key?.id ?? null, mac: key ? eventMac(key.key, hash) : null });
    prev = hash;
  });
  return out;
}

/** Recomputes every hash from `from` on with the public rule, as someone without the key can; MACs stay as they were. */
function rehash(events: TStoredAuditEvent[], from: number) {
  let prev = from === 0 ? GENESIS_HASH : events[from - 1]!.hash;
  for (const e of events.slice(from)) {
    e.prevHash = prev;
    e.hash = e.keyId ? eventHash(prev, { ...e, keyId: e.keyId }) : legacyEventHash(prev, e);
    prev = e.hash;
  }
}

function verify(events: TStoredAuditEvent[], held = keys(K1), checkpoint: TCheckpoint | null = null, batch = 3) {
  const walk = startWalk(held, checkpoint);
  for (let i = 0; i < events.length && !walk.broken; i += batch) walkEvents(walk, events.slice(i, i + batch));
  return { ...finishWalk(walk), checked: walk.checked, keyedFrom: walk.keyedFrom };
}

const cpOf = (events: TStoredAuditEvent[], at = events.length): TCheckpoint => ({ headId: events[at - 1]!.id, headHash: events[at - 1]!.hash, count: at, at: "2026-01-02T00:00:00.000Z", keyId: K1.id });
const brokenAt = (r: ReturnType<typeof verify>) => (r.broken ? `${r.broken.id}: ${r.broken.why}` : null);
const n = (k: number, s: TSpec = {}) => Array.from({ length: k }, () => s);

describe("walking the audit chain", () => {
  it("finds nothing wrong in an intact keyed chain, checked in batches, nor against its checkpoint", () => {
    const c = chain(n(8));
    expect(verify(c)).toMatchObject({ broken: null, missingTail: null, checked: 8, keyedFrom: "1" });
    expect(verify(c, keys(K1), cpOf(c))).toMatchObject({ broken: null, missingTail: null });
    expect(verify(c, keys(K1), cpOf(c, 5), 100)).toMatchObject({ broken: null, missingTail: null });
  });

  it("names an event edited without rehashing", () => {
    const c = chain(n(6));
    c[2]!.actorLabel = "mallory@example.com";
    expect(brokenAt(verify(c))).toBe("3: does not match its hash: one of its fields was edited after it was written");
  });

  it("names an event edited with every later hash recomputed: its MAC no longer verifies", () => {
    const c = chain(n(6));
    c[2]!.details = { i: 1_000_000 };
    rehash(c, 2);
    expect(brokenAt(verify(c))).toBe("3: its MAC does not verify under audit key master:11111111: it was rewritten and rehashed by someone without the key");
  });

  it("checks one MAC per batch unless it fails: then the first that does not verify is named, before a later break", () => {
    const c = chain(n(9));
    c[1]!.details = { i: "forged" };
    rehash(c, 1);
    c[7]!.prevHash = "0".repeat(64); // and a link broken further on, in the same batch
    expect(brokenAt(verify(c, keys(K1), null, 100))).toMatch(/^2: its MAC does not verify/);
    // A MAC that was overwritten, its event unchanged: the newest MAC of the batch vouches for the event all the same.
    const garbled = chain(n(6));
    garbled[2]!.mac = "0".repeat(64);
    expect(verify(garbled, keys(K1), null, 100).broken).toBeNull();
    expect(brokenAt(verify(garbled, keys(K1), null, 3))).toMatch(/^3: its MAC does not verify/); // the newest of its batch
  });

  it("names the event after a removed one, and one whose MAC was stripped to pass as an old event", () => {
    const c = chain(n(6));
    expect(brokenAt(verify([...c.slice(0, 2), ...c.slice(3)]))).toMatch(/^4: does not link to event #2 before it/);
    const stripped = chain(n(6));
    stripped[4] = { ...stripped[4]!, keyId: null, mac: null };
    rehash(stripped, 4);
    expect(brokenAt(verify(stripped))).toMatch(/^5: has no MAC, yet every event from #1 on is MACed/);
    expect(brokenAt(verify(chain(n(3)).slice(1)))).toBe("2: does not start the chain: the events before it were removed");
  });

  it("sees the newest events removed as a missing tail against the checkpoint", () => {
    const c = chain(n(6));
    const r = verify(c.slice(0, 4), keys(K1), cpOf(c));
    expect(r.broken).toBeNull();
    expect(r.missingTail).toEqual({ headId: "4", count: 4, checkpointHeadId: "6", checkpointCount: 6, missing: 2 });
    expect(verify([], keys(K1), cpOf(c)).missingTail).toMatchObject({ headId: null, count: 0, missing: 6 });
  });

  it("sees the checkpoint's head gone even when the chain was cut and grew again past it", () => {
    const c = chain(n(6));
    const regrown = [...c.slice(0, 4), ...chain(n(7)).slice(4).map((e, i) => ({ ...e, id: String(10 + i) }))];
    rehash(regrown, 4); // as if appended after #4 by the application, MACs aside: the checkpoint check comes first here
    const r = verify(regrown, keys(K1), cpOf(c));
    expect(r.broken?.id).toBe("10");
  });

  it("names a head that differs from the checkpoint's", () => {
    const c = chain(n(4));
    expect(brokenAt(verify(c, keys(K1), { ...cpOf(c), headHash: "f".repeat(64) }))).toBe("4: is not the event the checkpoint of 2026-01-02T00:00:00.000Z recorded at #4 (another hash)");
    expect(brokenAt(verify(c, keys(K1), { ...cpOf(c), count: 5 }))).toBe("4: is event number 4 of the chain, but the checkpoint of 2026-01-02T00:00:00.000Z counted 5 up to it");
  });

  it("checks the events before the anchor by their old rule; the anchor's MAC seals them", () => {
    const c = chain([...n(4, { key: null }), ...n(3)]);
    expect(verify(c)).toMatchObject({ broken: null, keyedFrom: "5", checked: 7 });
    const edited = chain([...n(4, { key: null }), ...n(3)]);
    edited[1]!.details = { i: "forged" };
    rehash(edited, 1); // the old rule is public: someone can rehash it, not MAC the anchor
    expect(brokenAt(verify(edited))).toMatch(/^5: its MAC does not verify/);
  });

  it("names an old event that gained a __proto__ key, which the old rule used to skip", () => {
    const c = chain([...n(3, { key: null }), ...n(2)]);
    c[1]!.details = JSON.parse('{"i": 1, "__proto__": {"isAdmin": true}}');
    expect(brokenAt(verify(c))).toBe("2: cannot be hashed ($.details.__proto__ is a __proto__ key, which canonical JSON refuses): no event is ever written so, it was edited in the database");
  });

  it("after a key change, events under a key no longer held are vouched for by the next event under a held one", () => {
    const c = chain([...n(3, { key: K2 }), ...n(2, { key: K1 })]);
    expect(verify(c, keys(K1, K2)).broken).toBeNull();
    expect(verify(c, keys(K1)).broken).toBeNull();
    c[1]!.details = { i: "forged" };
    rehash(c, 1);
    expect(brokenAt(verify(c, keys(K1)))).toBe(
      "4: its MAC does not verify under audit key master:11111111: it (or an event from #1 on, under audit key master:22222222, which this process does not hold) was rewritten and rehashed by someone without the key",
    );
    expect(brokenAt(verify(chain([...n(2), ...n(2, { key: K2 })]), keys(K1)))).toBe(
      "3: is MACed under audit key master:22222222, which this process does not hold, and no later event under a key it holds vouches for it",
    );
  });
});
