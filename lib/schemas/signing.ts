import { z } from "zod";
import { topicFilterProblem } from "@/lib/domain/acl/topics";
import { SIGNING_ALGORITHMS } from "@/lib/domain/message-signing";

export const ZSigningAlgorithm = z.enum(SIGNING_ALGORITHMS, { error: "must be EdDSA (Ed25519) or HS256 (HMAC-SHA256)" });

export const ZSigningKey = z.object({
  id: z.string().meta({ description: "the key id (kid) signed messages name in their JWS header" }),
  deviceId: z.string(),
  clientId: z.string(),
  algorithm: ZSigningAlgorithm,
  publicKeyPem: z.string().nullable().meta({ description: "Ed25519 keys only; an HMAC key is never shown again" }),
  status: z.enum(["active", "revoked"]),
  createdAt: z.string(),
  createdBy: z.string(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
  lastCounter: z.number().nullable().meta({ description: "the highest counter verified under it" }),
  lastSeenAt: z.string().nullable(),
});
export type TSigningKey = z.infer<typeof ZSigningKey>;

export const ZSigningKeyIssue = z.strictObject({
  algorithm: ZSigningAlgorithm.default("EdDSA"),
  replace: z.boolean({ error: "must be true or false" }).default(false).meta({ description: "revoke the device's active keys in the same change (rotation)" }),
});

/** The private part, shown once: a PKCS#8 PEM (Ed25519) or the HMAC key (base64url, 32 bytes). */
export const ZSigningSecret = z.union([z.object({ privateKeyPem: z.string() }), z.object({ hmacKey: z.string() })]);

export const ZSigningKeyIssued = z.object({
  key: ZSigningKey,
  secret: ZSigningSecret,
  revoked: z.array(z.string()).meta({ description: "ids of the keys this rotation revoked" }),
  example: z.string().meta({ description: "how the device-side example publishes signed messages with this key" }),
});
export type TSigningKeyIssued = z.infer<typeof ZSigningKeyIssued>;

export const ZSigningKeyParams = z.strictObject({ id: z.uuid({ error: "must be an id (UUID)" }), kid: z.string().regex(/^sk_[A-Za-z0-9_-]{16}$/, "is not a signing key id") });

export const ZSignedTopic = z.strictObject({
  filter: z.string({ error: "is required" }).superRefine((f, ctx) => {
    const p = f === "" ? "is required" : f.startsWith("$") ? "must not be a system ($) topic" : /^fleetward(\/|$)/.test(f) ? "is Fleetward's own namespace" : topicFilterProblem(f);
    if (p) ctx.addIssue({ code: "custom", message: p });
  }),
  signedOnly: z.boolean({ error: "must be true or false" }),
});

export const ZSignedTopics = z.strictObject({
  topics: z.array(ZSignedTopic, { error: "must be a list of topic filters" }).max(100, "must hold at most 100 filters"),
});
export type TSignedTopics = z.infer<typeof ZSignedTopics>;
