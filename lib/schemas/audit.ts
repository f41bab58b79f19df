import { z } from "zod";
import { ZCursor, ZLimit } from "./common";

const ZTime = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z" });

export const ZAuditQuery = z
  .strictObject({
    actor: z.string().max(254, "must be at most 254 characters").optional(),
    action: z.string().max(100, "must be at most 100 characters").optional(),
    targetType: z.string().max(50, "must be at most 50 characters").optional(),
    target: z.string().max(200, "must be at most 200 characters").optional(),
    from: ZTime.optional(),
    to: ZTime.optional(),
    limit: ZLimit,
    cursor: ZCursor,
  })
  .refine((v) => !v.from || !v.to || new Date(v.from) <= new Date(v.to), { message: "must not be before from", path: ["to"] });
export type TAuditQuery = z.infer<typeof ZAuditQuery>;

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
