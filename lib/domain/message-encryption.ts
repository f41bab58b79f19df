// Encrypted MQTT payloads: a JWE in compact serialization (RFC 7516) with direct use of a shared content key,
//   header { "alg": "dir", "enc": "A256GCM", "kid": "<content key id>", "typ": "fleetward-msg+jwe" }
// whose plaintext is the application payload, usually a signed envelope (sign, then encrypt). The brokers carry
// only ciphertext; devices and authorised consumers hold the key. Pure: keys come in.
import { compactDecrypt, CompactEncrypt, errors } from "jose";

export const ENCRYPTED_TYP = "fleetward-msg+jwe";

const B64URL = /^[A-Za-z0-9_-]*$/;

/** The content key an encrypted payload names, or null when the payload is not this envelope. */
export function encryptedKeyId(payload: Uint8Array | string): string | null {
  const text = typeof payload === "string" ? payload : payload.length > 262_144 ? "" : new TextDecoder().decode(payload);
  const parts = text.trim().split(".");
  if (parts.length !== 5 || !parts.every((p) => B64URL.test(p))) return null;
  try {
    const header = JSON.parse(atob(parts[0]!.replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    return header.typ === ENCRYPTED_TYP && header.alg === "dir" && typeof header.kid === "string" ? header.kid : null;
  } catch {
    return null;
  }
}

/** Encrypts a payload under a content key (what a device does; used by tests and the benchmark). */
export function encryptPayload(plaintext: Uint8Array, kid: string, key: Uint8Array): Promise<string> {
  return new CompactEncrypt(plaintext).setProtectedHeader({ alg: "dir", enc: "A256GCM", kid, typ: ENCRYPTED_TYP }).encrypt(key);
}

/** The plaintext, or why it cannot be had: a wrong key or an altered ciphertext fail alike (AES-GCM's tag). */
export async function decryptPayload(payload: Uint8Array | string, key: Uint8Array): Promise<{ plaintext: Uint8Array } | { problem: string }> {
  const text = typeof payload === "string" ? payload : new TextDecoder().decode(payload);
  try {
    const { plaintext } = await compactDecrypt(text.trim(), key, { keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: ["A256GCM"] });
    return { plaintext };
  } catch (e) {
    return { problem: e instanceof errors.JWEDecryptionFailed ? "does not decrypt under its key (altered, or another key)" : "is not a well-formed encrypted message" };
  }
}
