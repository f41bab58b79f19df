import { generateKeyPairSync, randomBytes } from "node:crypto";
import { CompactSign, importPKCS8, importSPKI } from "jose";
import { describe, expect, it } from "vitest";
import { hmacVerifyKey, judgeMessage, MAX_AGE_MS, MESSAGE_TYP, readEnvelope, REPLAY_WINDOW, ReplayWindows, signedTopicsOf, type TVerifyKey } from "./message-signing";

const NOW = 1_800_000_000_000;
const pair = generateKeyPairSync("ed25519");
const priv = await importPKCS8(pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "EdDSA");
const pub = await importSPKI(pair.publicKey.export({ type: "spki", format: "pem" }).toString(), "EdDSA");
const hmac = randomBytes(32);
const KEYS: Record<string, TVerifyKey> = {
  ed: { kid: "ed", device: "dev-1", algorithm: "EdDSA", key: pub, revokedAt: null },
  hs: { kid: "hs", device: "dev-2", algorithm: "HS256", key: hmac, revokedAt: null },
  gone: { kid: "gone", device: "dev-1", algorithm: "EdDSA", key: pub, revokedAt: NOW - 1 },
};

type TClaims = { dev?: unknown; ts?: unknown; ctr?: unknown; tpc?: unknown; data?: unknown };
const sign = (kid: string, claims: TClaims, alg = KEYS[kid]!.algorithm, typ = MESSAGE_TYP) =>
  new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg, kid, typ }).sign(alg === "EdDSA" ? priv : hmac);
const claims = (over: TClaims = {}): TClaims => ({ dev: "dev-1", ts: NOW - 1_000, ctr: 7, tpc: "t/1", data: { v: 1 }, ...over });

function counters(start: Record<string, number> = {}) {
  const w = new ReplayWindows();
  for (const [k, c] of Object.entries(start)) w.floor(k, c);
  const accepted = new Map<string, number>();
  return { check: (k: string, c: number) => w.check(k, c), accept: (k: string, c: number) => (w.accept(k, c), void accepted.set(k, w.highest(k)!)), m: accepted };
}
const judge = (payload: string, c = counters(), topic = "t/1", now = NOW) => judgeMessage(topic, payload, now, (k) => KEYS[k], c);

describe("judgeMessage", () => {
  it("accepts a good Ed25519 and HMAC message and raises the key's counter", async () => {
    const c = counters();
    expect(await judge(await sign("ed", claims()), c)).toEqual({ verdict: "valid", reason: null, kid: "ed", device: "dev-1", ctr: 7, data: { v: 1 } });
    expect((await judge(await sign("hs", claims({ dev: "dev-2", ctr: 0 })), c)).verdict).toBe("valid");
    expect([...c.m]).toEqual([["ed", 7], ["hs", 0]]);
  });

  it("judges HMAC messages alike with the key imported once (hmacVerifyKey) instead of its bytes", async () => {
    const imported = { ...KEYS.hs!, key: await hmacVerifyKey(hmac) };
    const good = await sign("hs", claims({ dev: "dev-2" }));
    const c = counters();
    expect(await judgeMessage("t/1", good, NOW, () => imported, c)).toMatchObject({ verdict: "valid", device: "dev-2" });
    const other = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims({ dev: "dev-2", ctr: 8 })))).setProtectedHeader({ alg: "HS256", kid: "hs", typ: MESSAGE_TYP }).sign(randomBytes(32));
    expect(await judgeMessage("t/1", other, NOW, () => imported, c)).toMatchObject({ verdict: "invalid", reason: "bad signature" });
  });

  it("calls anything that is not the envelope unsigned", async () => {
    for (const p of ["", "hello", '{"temperature":1}', "a.b.c", `${Buffer.from('{"alg":"EdDSA","typ":"JWT"}').toString("base64url")}.e30.sig`]) {
      expect((await judge(p)).verdict, p).toBe("unsigned");
    }
  });

  it("finds a changed payload, a forged header or a key of another device invalid, and keeps the counter", async () => {
    const good = await sign("ed", claims());
    const [h, p, s] = good.split(".");
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims({ data: { v: 2 } }))).toString("base64url")}.${s}`;
    const c = counters();
    expect(await judge(tampered, c)).toMatchObject({ verdict: "invalid", reason: "bad signature", device: "dev-1" });
    expect(await judge(`${h}.${p}.${s!.slice(0, -4)}AAAA`, c)).toMatchObject({ verdict: "invalid" });
    expect(await judge(await sign("ed", claims({ dev: "dev-9" })), c)).toMatchObject({ verdict: "invalid", reason: "signed by dev-1's key but claims to be dev-9" });
    expect(await judge(await sign("ed", claims({ tpc: "t/2" })), c)).toMatchObject({ verdict: "invalid", reason: "signed for topic t/2" });
    expect(await judge(await sign("ed", claims({ ctr: -1 })), c)).toMatchObject({ verdict: "invalid" });
    expect(await judge(await sign("nope", claims(), "EdDSA"), c)).toMatchObject({ verdict: "invalid", reason: "unknown key nope", device: "dev-1" });
    expect(await judge(await sign("gone", claims()), c)).toMatchObject({ verdict: "invalid", reason: "key revoked" });
    // An HMAC header over the public key's bytes is the classic algorithm confusion: refused by name first.
    expect(await judge(await sign("ed", claims(), "HS256"), c)).toMatchObject({ verdict: "invalid", reason: "algorithm HS256 is not the key's EdDSA" });
    expect(c.m.size).toBe(0);
  });

  it("calls a counter seen before a replay, and an old or future timestamp stale", async () => {
    const c = counters({ ed: 7 });
    expect(await judge(await sign("ed", claims({ ctr: 7 })), c)).toMatchObject({ verdict: "replayed", reason: "counter 7 is at or below 7, outside the replay window" });
    expect(await judge(await sign("ed", claims({ ctr: 3 })), c)).toMatchObject({ verdict: "replayed" });
    expect(await judge(await sign("ed", claims({ ctr: 8, ts: NOW - MAX_AGE_MS - 1 })), c)).toMatchObject({ verdict: "stale" });
    expect(await judge(await sign("ed", claims({ ctr: 9, ts: NOW + 60_000 })), c)).toMatchObject({ verdict: "stale", reason: "timestamp 60 s in the future" });
    expect(c.m.get("ed")).toBeUndefined();
    const twice = await sign("ed", claims({ ctr: 8 }));
    expect((await judge(twice, c)).verdict).toBe("valid");
    expect((await judge(twice, c)).verdict).toBe("replayed");
  });

  it("judges concurrent copies of one message once valid, once replayed", async () => {
    const m = await sign("ed", claims({ ctr: 100 }));
    const c = counters();
    const verdicts = await Promise.all([judge(m, c), judge(m, c), judge(m, c)]);
    expect(verdicts.map((v) => v.verdict).sort()).toEqual(["replayed", "replayed", "valid"]);
  });
});

describe("ReplayWindows", () => {
  it("accepts each counter once, in any order within the window, and nothing below it", () => {
    const w = new ReplayWindows();
    for (const c of [5, 3, 4, 10]) {
      expect(w.check("k", c)).toBeNull();
      w.accept("k", c);
    }
    expect(w.check("k", 4)).toBe("counter 4 was seen before");
    expect(w.check("k", 6)).toBeNull(); // late, never seen: accepted
    w.accept("k", 10 + REPLAY_WINDOW + 5);
    expect(w.check("k", 12)).toMatch(/outside the replay window/);
    expect(w.highest("k")).toBe(10 + REPLAY_WINDOW + 5);
  });

  it("after a restart refuses everything up to the stored highest counter", () => {
    const w = new ReplayWindows();
    w.floor("k", 100);
    expect(w.check("k", 100)).toMatch(/outside the replay window/);
    expect(w.check("k", 101)).toBeNull();
  });

  it("judges messages verified at once and finishing out of order all valid", async () => {
    const c = counters();
    const batch = await Promise.all(Array.from({ length: 50 }, (_, i) => sign("ed", claims({ ctr: 1_000 + i }))));
    const verdicts = await Promise.all(batch.map((m) => judge(m, c)));
    expect(verdicts.every((v) => v.verdict === "valid")).toBe(true);
    expect(c.m.get("ed")).toBe(1_049);
  });
});

describe("envelope and settings", () => {
  it("reads the header and claims without checking the signature", async () => {
    const env = readEnvelope(Buffer.from(await sign("ed", claims())));
    expect(env?.header).toEqual({ alg: "EdDSA", kid: "ed", typ: MESSAGE_TYP });
    expect(env?.claims).toMatchObject({ dev: "dev-1", ctr: 7 });
  });

  it("keeps well-formed signed topic settings, sorted, the last of a filter winning", () => {
    expect(signedTopicsOf([{ filter: "b/#", signedOnly: false }, { filter: "a/+", signedOnly: true }, { filter: "b/#", signedOnly: true }, { filter: 3 }, null])).toEqual([
      { filter: "a/+", signedOnly: true },
      { filter: "b/#", signedOnly: true },
    ]);
    expect(signedTopicsOf("nonsense")).toEqual([]);
  });
});
