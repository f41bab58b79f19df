// Signed messages for the signing benchmark: a small fleet of devices, each with its own key, publishing telemetry
// in Fleetward's envelope (a compact JWS, as examples/signed-publisher.mjs makes it), and the verifier's work on one
// message as lib/server/worker/message-verifier.ts does it.
import { createSecretKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { CompactSign, importPKCS8, importSPKI, type CryptoKey } from "jose";
import { hmacVerifyKey, judgeProtected, MESSAGE_TYP, ReplayWindows, type TCounters, type TJudgement, type TSigningAlgorithm, type TVerifyKey } from "@/lib/domain/message-signing";
import { verdictDigest } from "@/lib/server/services/signing/verdict-keys";

/** The goal: keep up with this many signed messages per second on this machine. */
export const SIGNING_GOAL = 5_000;

export type TSignedMessage = { topic: string; payload: Buffer; kid: string; ctr: number };

/** One device's key, as the device signs with it and as the verifier may hold it. */
type TDeviceKey = { kid: string; device: string; sign: CryptoKey | Uint8Array; verify: KeyObject; secret: Buffer | null };

export type TSignedFleet = {
  algorithm: TSigningAlgorithm;
  keys: TDeviceKey[];
  /** The verifier's keys, as message-verifier.ts loads them (HMAC keys imported once: hmacVerifyKey). */
  keyOf: () => Promise<(kid: string) => TVerifyKey | undefined>;
};

export async function signedFleet(algorithm: TSigningAlgorithm, devices: number): Promise<TSignedFleet> {
  const keys = await Promise.all(
    Array.from({ length: devices }, async (_, i): Promise<TDeviceKey> => {
      const kid = `sk_bench${algorithm}${String(i).padStart(4, "0")}`;
      const device = `bench-sig-${i}`;
      if (algorithm === "EdDSA") {
        const pair = generateKeyPairSync("ed25519");
        return { kid, device, sign: await importPKCS8(pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), "EdDSA"), verify: pair.publicKey, secret: null };
      }
      const secret = randomBytes(32);
      return { kid, device, sign: secret, verify: createSecretKey(secret), secret };
    }),
  );
  const keyOf = async () => {
    const held = new Map<string, TVerifyKey>();
    for (const k of keys) {
      const key = algorithm === "EdDSA" ? await importSPKI(k.verify.export({ type: "spki", format: "pem" }).toString(), "EdDSA") : await hmacVerifyKey(k.secret!);
      held.set(k.kid, { kid: k.kid, device: k.device, algorithm, key, revokedAt: null });
    }
    return (kid: string) => held.get(kid);
  };
  return { algorithm, keys, keyOf };
}

/** About 150 bytes of telemetry, as JSON. */
const reading = (i: number) => ({ temperature: 21.5 + (i % 40) / 10, humidity: 48.2, pressure: 1013.25, battery: 3.71, rssi: -67, uptime: 123_456 + i, fw: "2.4.1", status: "ok", door: "closed", seq: i });

/** `count` messages, the devices taking turns, each device's counter rising by one per message. */
export async function signAll(fleet: TSignedFleet, count: number, now = Date.now()): Promise<TSignedMessage[]> {
  const out: TSignedMessage[] = [];
  for (let i = 0; i < count; i++) {
    const k = fleet.keys[i % fleet.keys.length]!;
    const ctr = Math.floor(i / fleet.keys.length);
    const topic = `devices/${k.device}/telemetry`;
    const claims = { dev: k.device, ts: now, ctr, tpc: topic, data: reading(i) };
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: fleet.algorithm, kid: k.kid, typ: MESSAGE_TYP }).sign(k.sign);
    out.push({ topic, payload: Buffer.from(jws), kid: k.kid, ctr });
  }
  return out;
}

/** A fresh replay counter store, as the verifier keeps one. */
export const countersOf = (): TCounters => new ReplayWindows();

/** The verifier's work on one message (its onMessage, without the batching of verdicts): the judgement, then the digest. */
export async function verifierWork(m: { topic: string; payload: Buffer }, keyOf: (kid: string) => TVerifyKey | undefined, counters: TCounters): Promise<TJudgement> {
  const j = await judgeProtected(m.topic, m.payload, Date.now(), keyOf, counters, () => undefined);
  verdictDigest(m.payload);
  return j;
}
