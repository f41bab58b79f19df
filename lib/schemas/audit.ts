import { z } from "zod";
import { ZBigintCursor, ZLimit, ZPlainString } from "./common";

const ZTime = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z" });

const auditFilters = {
  actor: ZPlainString().max(254, "must be at most 254 characters").optional(),
  action: ZPlainString().max(100, "must be at most 100 characters").optional(),
  targetType: ZPlainString().max(50, "must be at most 50 characters").optional(),
  target: ZPlainString().max(200, "must be at most 200 characters").optional(),
  /** Free text: every word (as a word prefix) somewhere in the actor, action, target, IP or details. */
  q: ZPlainString()
    .max(200, "must be at most 200 characters")
    .refine((v) => /[\p{L}\p{N}]/u.test(v), "needs a letter or a digit")
    .optional(),
  from: ZTime.optional(),
  to: ZTime.optional(),
};
const fromBeforeTo = (v: { from?: string; to?: string }) => !v.from || !v.to || new Date(v.from) <= new Date(v.to);
const toAfterFrom = { message: "must not be before from", path: ["to"] };

export const ZAuditQuery = z.strictObject({ ...auditFilters, limit: ZLimit, cursor: ZBigintCursor }).refine(fromBeforeTo, toAfterFrom);
export type TAuditQuery = z.infer<typeof ZAuditQuery>;

/** A filtered range of the log to export, streamed, oldest first. */
export const ZAuditExportQuery = z
  .strictObject({ ...auditFilters, format: z.enum(["csv", "jsonl"], { error: "must be csv or jsonl" }) })
  .refine(fromBeforeTo, toAfterFrom);
export type TAuditExportQuery = z.infer<typeof ZAuditExportQuery>;

export const ZAuditEvent = z.object({
  id: z.string(),
  at: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  actorLabel: z.string(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});
export type TAuditEvent = z.infer<typeof ZAuditEvent>;

export const ZAuditVerify = z.object({ ok: z.boolean(), checked: z.number(), firstBroken: z.string().nullable() });
