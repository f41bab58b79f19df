import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// Sealed format: "v1:" + base64(iv[12] | tag[16] | ciphertext). AES-256-GCM under FLEETWARD_MASTER_KEY.
const VERSION = "v1:";

function masterKey(): Buffer {
  const raw = process.env.FLEETWARD_MASTER_KEY;
  if (!raw) throw new Error("FLEETWARD_MASTER_KEY is not set: it seals keys at rest (quickstart generates one into .env.local)");
  const key = Buffer.from(raw, "base64");
  if (key.length !== 32) throw new Error("FLEETWARD_MASTER_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)");
  return key;
}

/** Encrypts a secret for storage. `context` (e.g. "broker:<id>:admin-key") is bound in, so a sealed value cannot be moved to another row. */
export function seal(plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey(), iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

export function unseal(sealed: string, context: string): string {
  if (!sealed.startsWith(VERSION)) throw new Error("unknown sealed-secret format");
  const raw = Buffer.from(sealed.slice(VERSION.length), "base64");
  const decipher = createDecipheriv("aes-256-gcm", masterKey(), raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}
