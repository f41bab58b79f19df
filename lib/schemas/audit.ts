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
  keyId: z.string().nullable().meta({ description: "The audit key the MAC is under; null for events before the keyed chain" }),
  mac: z.string().nullable().meta({ description: "HMAC-SHA256 of hash under that key; null for events before the keyed chain" }),
});
export type TAuditEvent = z.infer<typeof ZAuditEvent>;

/** The newest checkpoint of the chain kept outside the database (MACed under the audit key). */
export const ZAuditCheckpoint = z.object({ headId: z.string(), count: z.number(), at: z.string(), keyId: z.string() });
export type TAuditCheckpoint = z.infer<typeof ZAuditCheckpoint>;

export const ZAuditVerify = z.object({
  ok: z.boolean(),
  checked: z.number(),
  firstBroken: z.string().nullable(),
  broken: z.object({ id: z.string(), why: z.string() }).nullable().meta({ description: "The first event that does not hold, and why" }),
  missingTail: z
    .object({ headId: z.string().nullable(), count: z.number(), checkpointHeadId: z.string(), checkpointCount: z.number(), missing: z.number() })
    .nullable()
    .meta({ description: "The chain ends before the head the checkpoint recorded: its newest events were removed" }),
  checkpoint: ZAuditCheckpoint.nullable().meta({ description: "The checkpoint the head was compared with; null when there is none yet" }),
  checkpointsSkipped: z
    .object({ unreadable: z.number(), forged: z.number(), unheld: z.number() })
    .meta({ description: "Newer checkpoint lines passed over: unreadable, not verifying (forged), or under an audit key this process does not hold" }),
  keyedFrom: z.string().nullable().meta({ description: "The first event with a MAC: earlier ones keep the unkeyed rule, sealed by it" }),
  keyId: z.string().meta({ description: "The audit key new events are MACed under" }),
});
export type TAuditVerify = z.infer<typeof ZAuditVerify>;
