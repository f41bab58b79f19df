import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eventHash, eventMac, GENESIS_HASH, legacyEventHash } from "./audit-hash";
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
const keyed = { ...base, id: "42", keyId: "master:0a1b2c3d" };

describe("audit hash rules", () => {
  it("legacy: SHA-256 of the previous hash, a line feed and the canonical event without its id, as the chain was first written", () => {
    const prev = "ab".repeat(32);
    const expected = createHash("sha256").update(prev).update("\n").update(canonicalJson({ ...base, at: base.at.toISOString() })).digest("hex");
    expect(legacyEventHash(prev, base)).toBe(expected);
    expect(legacyEventHash(prev, { ...base, at: "2026-01-01T00:00:00.000Z" })).toBe(expected);
    expect(legacyEventHash(prev, { ...base, details: { a: { c: "x", d: [1, 2] }, b: 1 } })).toBe(expected);
  });

  it("keyed: covers the id, every stored field and the key id, after a version prefix", () => {
    const h = eventHash(GENESIS_HASH, keyed);
    expect(h).toBe(createHash("sha256").update(`fleetward-audit-v1\n${GENESIS_HASH}\n${canonicalJson({ ...base, at: base.at.toISOString(), id: "42", keyId: "master:0a1b2c3d" })}`).digest("hex"));
    for (const [field, value] of Object.entries({ id: "43", keyId: "audit:0a1b2c3d", at: "2026-01-01T00:00:00.001Z", actorType: "token", actorId: null, actorLabel: "b@example.com", action: "user.delete", targetType: null, targetId: "u3", ip: null, userAgent: "other", details: { b: 2 } })) {
      expect(eventHash(GENESIS_HASH, { ...keyed, [field]: value }), field).not.toBe(h);
    }
    expect(eventHash("cd".repeat(32), keyed)).not.toBe(h);
    expect(h).not.toBe(legacyEventHash(GENESIS_HASH, base));
  });

  it("refuses to hash details that canonical JSON refuses", () => {
    expect(() => eventHash(GENESIS_HASH, { ...keyed, details: JSON.parse('{"__proto__": {"x": 1}}') })).toThrow(/__proto__ key/);
    expect(() => legacyEventHash(GENESIS_HASH, { ...base, details: { n: Infinity } })).toThrow(/Infinity/);
  });

  it("MACs a hash with HMAC-SHA256 under the key, domain-separated", () => {
    const key = Buffer.alloc(32, 7);
    const h = eventHash(GENESIS_HASH, keyed);
    expect(eventMac(key, h)).toBe(createHmac("sha256", key).update(`fleetward-audit-event\n${h}`).digest("hex"));
    expect(eventMac(Buffer.alloc(32, 8), h)).not.toBe(eventMac(key, h));
  });
});
