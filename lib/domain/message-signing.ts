// Signed MQTT messages: one envelope, a JWS in compact serialization (RFC 7515) whose protected header names the
// device's key and whose payload is JSON claims binding the message to its device, time, counter and topic:
//
//   header  { "alg": "EdDSA" | "HS256", "kid": "<signing key id>", "typ": "fleetward-msg+jws" }
//   payload { "dev": "<client id>", "ts": <ms since epoch>, "ctr": <integer, rising per key>, "tpc": "<topic>", "data": <any JSON> }
//
// The MQTT payload is the compact JWS text. Verification (jose) judges each message valid, invalid, unsigned,
// replayed or stale. Pure: keys, clock and counters come in; no I/O.
import { compactVerify, errors, type CryptoKey } from "jose";
import { decryptPayload, encryptedKeyId } from "./message-encryption";

export const SIGNING_ALGORITHMS = ["EdDSA", "HS256"] as const;
export type TSigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];
export const SIGNING_ALGORITHM_LABELS: Record<TSigningAlgorithm, string> = { EdDSA: "Ed25519", HS256: "HMAC-SHA256" };

export const MESSAGE_TYP = "fleetward-msg+jws";

export type TMessageClaims = { dev: string; ts: number; ctr: number; tpc: string; data?: unknown };

export const VERDICTS = ["valid", "invalid", "unsigned", "replayed", "stale"] as const;
export type TVerdict = (typeof VERDICTS)[number];

/** A topic filter whose messages are verified; with `signedOnly`, an unsigned message there is a finding. */
export type TSignedTopic = { filter: string; signedOnly: boolean };

/** Messages older than this (by their own timestamp) are stale; so are those this far in the future. */
export const MAX_AGE_MS = 5 * 60_000;
export const MAX_FUTURE_MS = 30_000;

export type TJudgement = { verdict: TVerdict; reason: string | null; kid: string | null; device: string | null; ctr: number | null; data?: unknown; encryptedWith?: string };

/** A payload encryption key as the verifier holds it. */
export type TContentKey = { key: Uint8Array; revokedAt: number | null };

/**
 * Judges a message that may be encrypted (message-encryption.ts): decrypted with its content key first, then its
 * plaintext judged as any message. One that cannot be decrypted is invalid.
 */
export async function judgeProtected(
  topic: string,
  payload: Uint8Array | string,
  now: number,
  keyOf: (kid: string) => TVerifyKey | undefined,
  counters: TCounters,
  contentKeyOf: (kid: string) => TContentKey | undefined,
): Promise<TJudgement> {
  const ck = encryptedKeyId(payload);
  if (ck === null) return judgeMessage(topic, payload, now, keyOf, counters);
  const none = { kid: null, device: null, ctr: null, encryptedWith: ck } as const;
  const key = contentKeyOf(ck);
  if (!key) return { verdict: "invalid", reason: `unknown content key ${ck.slice(0, 40)}`, ...none };
  if (key.revokedAt !== null && key.revokedAt <= now) return { verdict: "invalid", reason: "content key revoked", ...none };
  const opened = await decryptPayload(payload, key.key);
  if ("problem" in opened) return { verdict: "invalid", reason: `ciphertext ${opened.problem}`, ...none };
  return { ...(await judgeMessage(topic, opened.plaintext, now, keyOf, counters)), encryptedWith: ck };
}

export type TVerifyKey = { kid: string; device: string; algorithm: TSigningAlgorithm; key: CryptoKey | Uint8Array; revokedAt: number | null };

/**
 * An HMAC-SHA256 key imported once for verifying: given raw bytes instead, jose imports them into WebCrypto again on
 * every message.
 */
export const hmacVerifyKey = (secret: Uint8Array): Promise<CryptoKey> =>
  crypto.subtle.importKey("raw", secret as Uint8Array<ArrayBuffer>, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);

const B64URL = /^[A-Za-z0-9_-]+$/;

function b64urlText(s: string): string | null {
  if (!B64URL.test(s)) return null;
  try {
    const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (s.length % 4)) % 4));
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

function jsonObject(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export type TEnvelope = { header: { alg: unknown; kid: unknown; typ: unknown }; claims: Record<string, unknown> | null; compact: string };

/**
 * The envelope's structure without checking its signature, or null when the payload is not one (an unsigned
 * message): three base64url parts whose header is JSON naming this envelope's type.
 */
export function readEnvelope(payload: Uint8Array | string): TEnvelope | null {
  const text = typeof payload === "string" ? payload : payload.length > 65_536 ? null : new TextDecoder().decode(payload);
  if (!text) return null;
  const parts = text.trim().split(".");
  if (parts.length !== 3) return null;
  const header = jsonObject(b64urlText(parts[0]!));
  if (!header || header.typ !== MESSAGE_TYP) return null;
  return { header: { alg: header.alg, kid: header.kid, typ: header.typ }, claims: jsonObject(b64urlText(parts[1]!)), compact: text.trim() };
}

const isCounter = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

/** What the claims must say, beside a good signature: a problem in words, or null. */
export function claimsProblem(claims: Record<string, unknown> | null, key: { device: string }, topic: string): string | null {
  if (!claims) return "claims are not a JSON object";
  if (claims.dev !== key.device) return `signed by ${key.device}'s key but claims to be ${typeof claims.dev === "string" ? claims.dev : "no device"}`;
  if (claims.tpc !== topic) return `signed for ${typeof claims.tpc === "string" ? `topic ${claims.tpc}` : "no topic"}`;
  if (!isCounter(claims.ctr)) return "counter (ctr) is not a non-negative integer";
  if (!Number.isFinite(claims.ts)) return "timestamp (ts) is not a number";
  return null;
}

/** How far below a key's highest accepted counter a counter not seen yet is still accepted (messages verified at once finish in any order). */
export const REPLAY_WINDOW = 1024;

/** Which counters were accepted per key: checked, then marked by a valid message in the same step (no await between). */
export type TCounters = { check(kid: string, ctr: number): string | null; accept(kid: string, ctr: number): void };

/**
 * Replay detection per key, as IPsec and DTLS do it: a counter is accepted once, and only within REPLAY_WINDOW of
 * the highest accepted. `floor` sets what a restart must refuse: every counter up to the highest stored.
 */
export class ReplayWindows implements TCounters {
  private keys = new Map<string, { max: number; low: number; seen: Set<number> }>();

  /** A key not followed yet starts at its stored highest counter (what this process accepted since is newer). */
  floor(kid: string, highest: number): void {
    if (!this.keys.has(kid)) this.keys.set(kid, { max: highest, low: highest, seen: new Set() });
  }

  highest(kid: string): number | undefined {
    return this.keys.get(kid)?.max;
  }

  check(kid: string, ctr: number): string | null {
    const k = this.keys.get(kid);
    if (!k) return null;
    if (ctr <= k.low) return `counter ${ctr} is at or below ${k.low}, outside the replay window`;
    return k.seen.has(ctr) ? `counter ${ctr} was seen before` : null;
  }

  accept(kid: string, ctr: number): void {
    const k = this.keys.get(kid) ?? { max: -1, low: -1, seen: new Set<number>() };
    this.keys.set(kid, k);
    k.seen.add(ctr);
    if (ctr <= k.max) return;
    k.max = ctr;
    k.low = Math.max(k.low, ctr - REPLAY_WINDOW);
    if (k.seen.size > 2 * REPLAY_WINDOW) for (const c of k.seen) if (c <= k.low) k.seen.delete(c);
  }
}

/**
 * Judges one message on a verified topic; a valid one marks its counter accepted. Order: not an envelope (unsigned), unknown or revoked key, bad
 * signature or claims (invalid), counter seen before (replayed), timestamp out of range (stale), else valid.
 */
export async function judgeMessage(
  topic: string,
  payload: Uint8Array | string,
  now: number,
  keyOf: (kid: string) => TVerifyKey | undefined,
  counters: TCounters,
): Promise<TJudgement> {
  const env = readEnvelope(payload);
  const none = { kid: null, device: null, ctr: null } as const;
  if (!env) return { verdict: "unsigned", reason: null, ...none };
  const kid = typeof env.header.kid === "string" ? env.header.kid : null;
  const ctr = isCounter(env.claims?.ctr) ? env.claims.ctr : null;
  const key = kid ? keyOf(kid) : undefined;
  const claimed = typeof env.claims?.dev === "string" ? env.claims.dev : null;
  if (!kid || !key) return { verdict: "invalid", reason: kid ? `unknown key ${kid.slice(0, 40)}` : "no key id (kid)", kid, device: claimed, ctr };
  const judged = { kid, device: key.device, ctr };
  if (key.revokedAt !== null && key.revokedAt <= now) return { verdict: "invalid", reason: "key revoked", ...judged };
  if (env.header.alg !== key.algorithm) return { verdict: "invalid", reason: `algorithm ${String(env.header.alg)} is not the key's ${key.algorithm}`, ...judged };
  try {
    await compactVerify(env.compact, key.key, { algorithms: [key.algorithm] });
  } catch (e) {
    return { verdict: "invalid", reason: e instanceof errors.JWSSignatureVerificationFailed ? "bad signature" : "malformed signature", ...judged };
  }
  const problem = claimsProblem(env.claims, key, topic);
  if (problem) return { verdict: "invalid", reason: problem, ...judged };
  const claims = env.claims as TMessageClaims;
  const replay = counters.check(kid, claims.ctr);
  if (replay) return { verdict: "replayed", reason: replay, ...judged, data: claims.data };
  const age = now - claims.ts;
  if (age > MAX_AGE_MS) return { verdict: "stale", reason: `signed ${Math.round(age / 1000)} s ago`, ...judged, data: claims.data };
  if (-age > MAX_FUTURE_MS) return { verdict: "stale", reason: `timestamp ${Math.round(-age / 1000)} s in the future`, ...judged, data: claims.data };
  counters.accept(kid, claims.ctr);
  return { verdict: "valid", reason: null, ...judged, data: claims.data };
}

/** The signed-topic filters in force, sorted, without duplicates (the last setting of a filter wins). */
export function normaliseSignedTopics(topics: readonly TSignedTopic[]): TSignedTopic[] {
  const byFilter = new Map(topics.map((t) => [t.filter, t.signedOnly]));
  return [...byFilter].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([filter, signedOnly]) => ({ filter, signedOnly }));
}

/** Reads the stored setting (FleetState.signedTopics), keeping only well-formed entries. */
export function signedTopicsOf(stored: unknown): TSignedTopic[] {
  if (!Array.isArray(stored)) return [];
  return normaliseSignedTopics(stored.filter((t): t is TSignedTopic => typeof t?.filter === "string" && typeof t?.signedOnly === "boolean"));
}
