import { z } from "zod";
import { SEVERITIES, ZDetectionSettings } from "@/lib/domain/security/detection";
import { ZCursor, ZLimit } from "./common";

export const ZFindingQuery = z.strictObject({
  status: z.enum(["open", "resolved", "all"], { error: "must be open, resolved or all" }).default("open"),
  severity: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(", ")}` }).optional(),
  rule: z.string().max(50, "must be at most 50 characters").optional(),
  limit: ZLimit,
  cursor: ZCursor,
});
export type TFindingQuery = z.infer<typeof ZFindingQuery>;

export const ZFinding = z.object({
  id: z.string(),
  rule: z.string(),
  subject: z.string(),
  severity: z.enum(SEVERITIES),
  title: z.string(),
  detail: z.string(),
  evidence: z.unknown(),
  count: z.number(),
  firstAt: z.string(),
  lastAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
});
export type TFinding = z.infer<typeof ZFinding>;

export const ZFindingResolve = z.strictObject({ note: z.string().max(500, "must be at most 500 characters").optional() });

/** The detection rules' thresholds (the defaults fill what a PUT leaves out). */
export { ZDetectionSettings };

/** The security policy (the defaults fill what a PUT leaves out). */
export { ZSecurityPolicy } from "@/lib/domain/security/policy";
