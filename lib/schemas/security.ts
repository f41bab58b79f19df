import { z } from "zod";
import { SEVERITIES, ZDetectionSettings } from "@/lib/domain/security/detection";
import { ZFreeText, ZKeyCursor, ZLimit, ZPlainString } from "./common";

export const ZFindingQuery = z.strictObject({
  status: z.enum(["open", "resolved", "all"], { error: "must be open, resolved or all" }).default("open"),
  severity: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(", ")}` }).optional(),
  rule: ZPlainString().max(50, "must be at most 50 characters").optional(),
  limit: ZLimit,
  /** `<lastAt>_<id>` of the last finding of the previous page. */
  cursor: ZKeyCursor(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 80),
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

export const ZFindingResolve = z.strictObject({ note: ZFreeText().max(500, "must be at most 500 characters").optional() });

/** The detection rules' thresholds (the defaults fill what a PUT leaves out). */
export { ZDetectionSettings };

/** The security policy (the defaults fill what a PUT leaves out). */
export { ZSecurityPolicy } from "@/lib/domain/security/policy";
