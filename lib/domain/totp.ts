// Time-based one-time passwords (RFC 6238 over RFC 4226: HMAC-SHA1, 30 s steps, 6 digits), the otpauth URI that
// authenticator apps read from a QR code, and recovery codes. Pure: time and randomness come in.
import { createHmac, hash, timingSafeEqual } from "node:crypto";

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes of the step before and after are accepted too: clocks drift and people type slowly. */
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=-]/g, "").toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const i = ALPHABET.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${JSON.stringify(ch)}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226's HOTP value of a counter, as `digits` decimal digits. */
export function hotp(secret: Uint8Array, counter: bigint, digits = TOTP_DIGITS): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(counter);
  const mac = createHmac("sha1", secret).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  const n = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(n % 10 ** digits).padStart(digits, "0");
}

export const totpStep = (nowMs: number): bigint => BigInt(Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS));

export const totpCode = (secret: Uint8Array, nowMs: number): string => hotp(secret, totpStep(nowMs));

/** Whether text looks like a TOTP code at all (spaces allowed, as apps show "123 456"). */
export const looksLikeTotp = (text: string): boolean => /^\d{6}$/.test(text.replace(/\s/g, ""));

/**
 * The step a code matches within the window, or null. A step at or before `lastStep` (a code already used) never
 * matches, so a code seen over someone's shoulder cannot be replayed.
 */
export function verifyTotp(secret: Uint8Array, code: string, nowMs: number, lastStep: bigint | null): bigint | null {
  const given = Buffer.from(code.replace(/\s/g, ""));
  if (given.length !== TOTP_DIGITS) return null;
  const now = totpStep(nowMs);
  for (let d = -TOTP_WINDOW; d <= TOTP_WINDOW; d++) {
    const step = now + BigInt(d);
    if (lastStep !== null && step <= lastStep) continue;
    if (timingSafeEqual(Buffer.from(hotp(secret, step)), given)) return step;
  }
  return null;
}

/** The URI authenticator apps take from the QR code. */
export function otpauthUri(secretBase32: string, account: string, issuer = "Fleetward"): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const q = new URLSearchParams({ secret: secretBase32, issuer, algorithm: "SHA1", digits: String(TOTP_DIGITS), period: String(TOTP_STEP_SECONDS) });
  return `otpauth://totp/${label}?${q}`;
}

/** A recovery code from 10 random bytes: "xxxxx-xxxxx-xxxxx-xxxxx" (80 bits, base32, lower case). */
export function formatRecoveryCode(random: Uint8Array): string {
  return base32Encode(random).toLowerCase().match(/.{1,4}/g)!.join("-");
}

/** Recovery codes are compared without dashes, spaces or case. */
export const normalizeRecoveryCode = (text: string): string => text.replace(/[\s-]/g, "").toLowerCase();

/** Stored form of a recovery code: SHA-256 of its normalised text (80 random bits need no slow hash). */
export const recoveryCodeHash = (code: string): string => hash("sha256", normalizeRecoveryCode(code), "hex");
