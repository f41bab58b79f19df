// Webhook notifications: which events a target may take, where it may be, and when a failed delivery is tried
// again (the signature is in webhook-signature.ts). Pure.
import { z } from "zod";

export const WEBHOOK_EVENTS = {
  "finding.high": "A new high or critical security finding",
  "certificate.expiring": "A certificate expiring or expired (posture check)",
  "audit.checkpoint": "A signed checkpoint of the audit chain (its head and count), to keep outside Fleetward",
} as const;
export type TWebhookEvent = keyof typeof WEBHOOK_EVENTS | "ping";

/** Seconds to wait after each failed attempt; after the last, the delivery is given up as failed. */
export const RETRY_DELAYS_S = [10, 60, 300, 1800, 7200] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_S.length + 1;

/** When attempt `attempts` (1-based, just failed) is followed by another, or null when it was the last. */
export function nextAttemptAt(attempts: number, failedAt: Date): Date | null {
  const delay = RETRY_DELAYS_S[attempts - 1];
  return delay === undefined ? null : new Date(failedAt.getTime() + delay * 1000);
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/** A target URL: https, or http to loopback (a local relay); no credentials in it, no fragment. */
export const ZWebhookUrl = z
  .string({ error: "is required" })
  .trim()
  .max(2000, "must be at most 2000 characters")
  .refine((v) => URL.canParse(v), "must be an absolute URL")
  .superRefine((v, ctx) => {
    if (!URL.canParse(v)) return;
    const u = new URL(v);
    if (u.protocol !== "https:" && !(u.protocol === "http:" && LOOPBACK.test(u.hostname))) ctx.addIssue({ code: "custom", message: "must use https (plain http only to a loopback address)" });
    else if (u.username || u.password) ctx.addIssue({ code: "custom", message: "must not hold a user name or password: the signature authenticates Fleetward" });
    else if (u.hash) ctx.addIssue({ code: "custom", message: "must not have a #fragment" });
  });

/** Which finding, if any, a webhook event announces. */
export function findingEvent(f: { rule: string; severity: string }): TWebhookEvent | null {
  if (f.rule === "certificate-expiring") return "certificate.expiring";
  return f.severity === "high" || f.severity === "critical" ? "finding.high" : null;
}
