// The signature on every webhook request, and the check a receiver makes. Pure: keys, time and bodies come in.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-fleetward-signature";

/**
 * The signature header of a body sent at `timestamp` (Unix seconds): "t=<timestamp>,v1=<hex HMAC-SHA256 of
 * "<timestamp>.<body>">". The timestamp is signed too, so a receiver can refuse an old request replayed.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** What a receiver does (and the documented recipe): check the HMAC and that the timestamp is recent. */
export function verifyWebhook(secret: string, header: string, body: string, nowS: number, toleranceS = 300): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(nowS - t) > toleranceS) return false;
  const expected = Buffer.from(signWebhook(secret, t, body).split("v1=")[1]!, "hex");
  return timingSafeEqual(expected, Buffer.from(m[2]!, "hex"));
}
