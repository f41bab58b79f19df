import { z } from "zod";
import { topicFilterProblem } from "@/lib/domain/acl/topics";
import { SIGNING_ALGORITHMS } from "@/lib/domain/message-signing";
import { ZPlainString } from "./common";

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

export const ZContentKey = z.object({
  id: z.string().meta({ description: "the key id (kid) encrypted messages name in their JWE header" }),
  name: z.string(),
  scope: z.object({ kind: z.enum(["device", "group"]), id: z.string(), name: z.string() }),
  status: z.enum(["active", "revoked"]),
  createdAt: z.string(),
  createdBy: z.string(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
});
export type TContentKey = z.infer<typeof ZContentKey>;

export const ZContentKeyCreate = z
  .strictObject({
    name: ZPlainString("is required").trim().min(1, "is required").max(100, "must be at most 100 characters"),
    clientId: ZPlainString().min(1, "must not be empty").max(65_535, "is too long").optional().meta({ description: "the device it is for" }),
    groupname: ZPlainString().min(1, "must not be empty").max(200, "is too long").optional().meta({ description: "or the group whose devices share it" }),
  })
  .refine((c) => (c.clientId === undefined) !== (c.groupname === undefined), { message: "name exactly one of clientId and groupname", path: ["clientId"] });
export type TContentKeyCreate = z.infer<typeof ZContentKeyCreate>;

export const ZContentKeyCreated = z.object({
  key: ZContentKey,
  secret: z.object({ contentKey: z.string().meta({ description: "the 256-bit AES key, base64url: shown once" }) }),
  example: z.string(),
});
export type TContentKeyCreated = z.infer<typeof ZContentKeyCreated>;

export const ZContentKeyParams = z.strictObject({ kid: z.string().regex(/^ck_[A-Za-z0-9_-]{16}$/, "is not a content key id") });

export const ZDecryptRequest = z.strictObject({
  topic: ZPlainString("is required").min(1, "is required").max(65_535, "is too long"),
  payload: z.string({ error: "is required" }).min(1, "is required").max(262_144, "is too long for an encrypted message"),
});

export const ZDecrypted = z.object({
  contentKey: z.string(),
  /** The plaintext as UTF-8 text when it is, else base64. */
  text: z.string().nullable(),
  base64: z.string(),
});
export type TDecrypted = z.infer<typeof ZDecrypted>;
