import { z } from "zod";
import { ZPlainString, ZRole } from "./common";

export const ZTokenCreate = z.strictObject({
  name: ZPlainString("is required")
    .trim()
    .min(1, "must not be empty")
    .max(80, "must be at most 80 characters")
    .regex(/^[\w .:@-]+$/, "may use letters, digits, spaces and . _ : @ - only"),
  role: ZRole,
});
export type TTokenCreate = z.infer<typeof ZTokenCreate>;

export const ZApiToken = z.object({
  id: z.string(),
  name: z.string(),
  role: ZRole,
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TApiToken = z.infer<typeof ZApiToken>;

export const ZApiTokenWithSecret = z.object({ token: ZApiToken, secret: z.string() });
