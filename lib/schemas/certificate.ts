import { z } from "zod";
import { CERT_STATUSES } from "@/lib/domain/certificate-status";
import { ZLimit, ZOffsetCursor, ZPlainString } from "./common";

export const CERT_KINDS = ["CA", "BROKER", "DEVICE", "SERVICE"] as const;
export const CERT_SORTS = ["notAfter", "subject", "createdAt"] as const;

export const ZCertificateQuery = z.strictObject({
  q: ZPlainString().max(200, "must be at most 200 characters").optional(),
  kind: z.enum(CERT_KINDS, { error: `must be one of ${CERT_KINDS.join(", ")}` }).optional(),
  status: z.enum(CERT_STATUSES, { error: `must be one of ${CERT_STATUSES.join(", ")}` }).optional(),
  expiresWithinDays: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(3650, "must be at most 3650").optional(),
  sort: z.enum(CERT_SORTS, { error: `must be one of ${CERT_SORTS.join(", ")}` }).default("notAfter"),
  order: z.enum(["asc", "desc"], { error: "must be asc or desc" }).default("asc"),
  limit: ZLimit,
  cursor: ZOffsetCursor,
});
export type TCertificateQuery = z.infer<typeof ZCertificateQuery>;

export const ZCertificate = z.object({
  id: z.string(),
  kind: z.enum(CERT_KINDS),
  subject: z.string(),
  sans: z.array(z.string()),
  issuer: z.string(),
  serial: z.string(),
  fingerprint256: z.string(),
  keyType: z.string(),
  keyBits: z.number().nullable(),
  notBefore: z.string(),
  notAfter: z.string(),
  status: z.enum(CERT_STATUSES),
  revokedAt: z.string().nullable(),
  revocationReason: z.string().nullable(),
  device: z.object({ id: z.string(), clientId: z.string() }).nullable(),
});
export type TCertificate = z.infer<typeof ZCertificate>;

export const ZCertificateExpiry = z.object({
  total: z.number(),
  active: z.number(),
  expired: z.number(),
  revoked: z.number(),
  /** Not revoked, not yet expired, notAfter within 7, 30 and 90 days (cumulative). */
  within: z.object({ "7": z.number(), "30": z.number(), "90": z.number() }),
  soonest: z.object({ subject: z.string(), notAfter: z.string() }).nullable(),
});
export type TCertificateExpiry = z.infer<typeof ZCertificateExpiry>;
