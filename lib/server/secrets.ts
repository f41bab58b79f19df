import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { formatSealed, IV_BYTES, masterKeyId, parseSealed, type TParsedSealed } from "@/lib/domain/sealed-format";

// AES-256-GCM under FLEETWARD_MASTER_KEY. During a master key rotation FLEETWARD_MASTER_KEY_PREVIOUS holds the old
// key, so values not yet re-sealed still open (lib/domain/sealed-format.ts names the key in each value).

export type TMasterKey = { id: string; key: Buffer };
export type TMasterKeyRing = { current: TMasterKey; previous: TMasterKey | null };

/** A key as an operator writes it (32 bytes, base64); `source` names where it came from in the error. */
export function parseMasterKey(raw: string, source: string): TMasterKey {
  const text = raw.trim();
  const key = Buffer.from(text, "base64");
  if (key.length !== 32) throw new Error(`${source} must be 32 bytes, base64-encoded (openssl rand -base64 32)`);
  return { id: masterKeyId(key), key };
}

let cached: { raw: string; ring: TMasterKeyRing } | null = null;

/** The keys this process holds, read from the environment (re-read when it changes). */
export function masterKeyRing(): TMasterKeyRing {
  const current = process.env.FLEETWARD_MASTER_KEY;
  const previous = process.env.FLEETWARD_MASTER_KEY_PREVIOUS || undefined;
  const raw = `${current ?? ""}|${previous ?? ""}`;
  if (cached?.raw === raw) return cached.ring;
  if (!current) throw new Error("FLEETWARD_MASTER_KEY is not set: it seals keys at rest (quickstart generates one into .env.local)");
  const ring = {
    current: parseMasterKey(current, "FLEETWARD_MASTER_KEY"),
    previous: previous ? parseMasterKey(previous, "FLEETWARD_MASTER_KEY_PREVIOUS") : null,
  };
  cached = { raw, ring };
  return ring;
}

/** A sealed value could not be opened: the message names the key ids involved, never the value. */
export class UnsealError extends Error {}

/** Encrypts a secret for storage. `context` (e.g. "broker:<id>:admin-key") is bound in, so a sealed value cannot be moved to another row. */
export function seal(plaintext: string, context: string, key: TMasterKey = masterKeyRing().current): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return formatSealed(key.id, { iv, tag: cipher.getAuthTag(), ciphertext });
}

function open(p: TParsedSealed, context: string, key: TMasterKey): string | null {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, p.iv);
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(p.tag);
    return Buffer.concat([decipher.update(p.ciphertext), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

/** Opens a sealed value with whichever of `keys` sealed it (a v1 value names none: each is tried). */
export function unsealWith(sealed: string, context: string, keys: readonly TMasterKey[]): string {
  let p: TParsedSealed;
  try {
    p = parseSealed(sealed);
  } catch (e) {
    throw new UnsealError((e as Error).message);
  }
  const held = () => keys.map((k) => k.id).join(", ");
  const candidates = p.version === 1 ? keys : keys.filter((k) => k.id === p.keyId);
  if (!candidates.length) throw new UnsealError(`sealed under master key ${p.keyId}, which this process does not hold (it holds ${held()}): give it that key as FLEETWARD_MASTER_KEY_PREVIOUS`);
  for (const k of candidates) {
    const plaintext = open(p, context, k);
    if (plaintext !== null) return plaintext;
  }
  throw new UnsealError(
    p.version === 1
      ? `a v1 sealed value opens under none of the master keys held (${held()})`
      : `does not open under master key ${p.keyId}: the value was altered or belongs to another row`,
  );
}

export function unseal(sealed: string, context: string): string {
  const { current, previous } = masterKeyRing();
  return unsealWith(sealed, context, previous ? [current, previous] : [current]);
}
