// How a sealed secret is stored. "v2:<keyId>:" + base64(iv[12] | tag[16] | ciphertext): the key id names the master
// key that sealed it, so during a rotation a replica holding the old and the new key knows which one opens it, and
// says which key it lacks when it holds neither. "v1:" + base64(...) values, sealed before key ids existed, name none.
import { hash } from "node:crypto";

export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export type TSealedParts = { iv: Buffer; tag: Buffer; ciphertext: Buffer };
export type TParsedSealed = TSealedParts & ({ version: 1; keyId: null } | { version: 2; keyId: string });

/** First 8 hex digits of SHA-256 of the 32-byte key: enough to tell keys apart, nothing to attack the key with. */
export const masterKeyId = (key: Uint8Array): string => hash("sha256", key, "hex").slice(0, 8);

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const V2 = /^v2:([0-9a-f]{8}):(.*)$/s;

function parts(body: string): TSealedParts {
  if (!BASE64.test(body)) throw new Error("sealed value is not base64 after its version prefix");
  const raw = Buffer.from(body, "base64");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error(`sealed value is ${raw.length} bytes, shorter than its IV and tag`);
  return { iv: raw.subarray(0, IV_BYTES), tag: raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES), ciphertext: raw.subarray(IV_BYTES + TAG_BYTES) };
}

/** Splits a stored value into its parts; throws saying what is wrong with it (never echoing the value). */
export function parseSealed(sealed: string): TParsedSealed {
  if (sealed.startsWith("v1:")) return { version: 1, keyId: null, ...parts(sealed.slice(3)) };
  const v2 = V2.exec(sealed);
  if (v2) return { version: 2, keyId: v2[1]!, ...parts(v2[2]!) };
  if (sealed.startsWith("v2:")) throw new Error("sealed value has a v2 prefix without an 8-hex-digit key id");
  throw new Error("unknown sealed-secret format: neither v1: nor v2:<keyId>:");
}

export function formatSealed(keyId: string, p: TSealedParts): string {
  if (!/^[0-9a-f]{8}$/.test(keyId)) throw new Error("a master key id is 8 hex digits");
  return `v2:${keyId}:${Buffer.concat([p.iv, p.tag, p.ciphertext]).toString("base64")}`;
}
