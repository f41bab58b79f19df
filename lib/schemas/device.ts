import { z } from "zod";

// Client ids Fleetward accepts: what MQTT allows (1-65535 UTF-8 bytes, no U+0000) narrowed to characters that are
// safe in every file and topic a broker derives from them: no wildcards, separators, spaces or colons.
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

export const ZClientId = z
  .string({ error: "is required" })
  .min(1, "is required")
  .max(128, "must be at most 128 characters")
  .regex(CLIENT_ID_PATTERN, "may use letters, digits and . _ @ - only, starting with a letter or digit (no + # / : or spaces)");

export const ZDeviceCreate = z.strictObject({
  clientId: ZClientId,
  name: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters").optional(),
  tags: z.array(z.string().regex(/^[\w.:-]{1,40}$/, "tags are 1-40 of letters, digits, . _ : -")).max(20, "at most 20 tags").default([]),
  auth: z.discriminatedUnion("type", [z.strictObject({ type: z.literal("password") }), z.strictObject({ type: z.literal("psk") })], {
    error: 'must be {"type":"password"} or {"type":"psk"}',
  }),
});
export type TDeviceCreate = z.infer<typeof ZDeviceCreate>;
