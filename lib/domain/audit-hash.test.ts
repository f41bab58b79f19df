import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { auditEventHash, firstBrokenLink, GENESIS_HASH, type TChainLink } from "./audit-hash";
import { canonicalJson } from "./canonical-json";

const base = {
  at: new Date("2026-01-01T00:00:00.000Z"),
  actorType: "user",
  actorId: "u1",
  actorLabel: "a@example.com",
  action: "user.create",
  targetType: "user",
  targetId: "u2",
  ip: "127.0.0.1",
  userAgent: "test",
  details: { b: 1, a: { d: [1, 2], c: "x" } },
};

function chain(n: number): TChainLink[] {
  const out: TChainLink[] = [];
  let prev = GENESIS_HASH;
  for (let i = 0; i < n; i++) {
    const e = { ...base, action: `a.${i}` };
    const hash = auditEventHash(prev, e);
    out.push({ ...e, id: String(i + 1), prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { z: undefined, y: 2, x: [{ q: 1, p: 2 }] } })).toBe('{"a":{"x":[{"p":2,"q":1}],"y":2},"b":1}');
  });
});

describe("audit chain", () => {
  it("hashes the same content the same, whatever the key order", () => {
    const reordered = { ...base, details: { a: { c: "x", d: [1, 2] }, b: 1 } };
    expect(auditEventHash(GENESIS_HASH, reordered)).toBe(auditEventHash(GENESIS_HASH, base));
    expect(auditEventHash(GENESIS_HASH, base)).toMatch(/^[0-9a-f]{64}$/);
  });
  it("finds no break in an intact chain", () => {
    expect(firstBrokenLink(GENESIS_HASH, chain(5))).toBeNull();
  });
  it("names the first event whose content was changed", () => {
    const c = chain(5);
    c[2] = { ...c[2]!, actorLabel: "mallory@example.com" };
    expect(firstBrokenLink(GENESIS_HASH, c)).toBe("3");
  });
  it("names the event after a removed one", () => {
    const c = chain(5);
    c.splice(1, 1);
    expect(firstBrokenLink(GENESIS_HASH, c)).toBe("3");
  });
  it("detects a rewritten event whose hash was recomputed (its successor no longer links)", () => {
    const c = chain(4);
    const forged = { ...c[1]!, details: { forged: true } };
    c[1] = { ...forged, hash: auditEventHash(forged.prevHash, forged) };
    expect(firstBrokenLink(GENESIS_HASH, c)).toBe("3");
  });
});

describe("audit hash stability", () => {
  it("is SHA-256 of the previous hash, a line feed and the canonical event, with the time as an ISO string or a Date", () => {
    const prev = "ab".repeat(32);
    const expected = createHash("sha256").update(prev).update("\n").update(canonicalJson({ ...base, at: base.at.toISOString(), details: base.details ?? null })).digest("hex");
    expect(auditEventHash(prev, base)).toBe(expected);
    expect(auditEventHash(prev, { ...base, at: "2026-01-01T00:00:00.000Z" })).toBe(expected);
  });
});
