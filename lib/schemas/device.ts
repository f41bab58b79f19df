import { z } from "zod";
import { ZSigningAlgorithm, ZSigningSecret } from "./signing";
import { ZDeviceAccessInput } from "./acl";
import { reservedNameProblem } from "@/lib/domain/reserved-names";
import { ZKeyCursor, ZLimit, ZPlainString } from "./common";

// Client ids Fleetward accepts: what MQTT allows (1-65535 UTF-8 bytes, no U+0000) narrowed to characters that are
// safe in every file, certificate and topic a broker derives from them: no wildcards, separators, spaces or colons.
// Fleetward's own identities are reserved (reserved-names.ts): a device named like one would pass for Fleetward.
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

export const ZClientId = ZPlainString("is required")
  .min(1, "is required")
  .max(128, "must be at most 128 characters")
  .superRefine((s, ctx) => {
    const problem = reservedNameProblem(s);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .refine((s) => !/[+#/]/.test(s), "must not contain the MQTT wildcards + # or the level separator /")
  .regex(CLIENT_ID_PATTERN, "may use letters, digits and . _ @ - only, starting with a letter or digit");

const ZTags = z.array(z.string().regex(/^[\w.:-]{1,40}$/, "tags are 1-40 of letters, digits, . _ : -")).max(20, "at most 20 tags");

export const AUTH_TYPES = ["password", "psk", "x509"] as const;

export const ZDeviceAuth = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("password") }),
    z.strictObject({ type: z.literal("psk") }),
    z.strictObject({
      type: z.literal("x509"),
      csrPem: z.string().max(16_000, "is too long for a CSR").optional(),
    }),
  ],
  { error: 'must be {"type":"password"}, {"type":"psk"} or {"type":"x509","csrPem"?}' },
);

export const ZDeviceCreate = z.strictObject({
  clientId: ZClientId,
  name: ZPlainString().trim().min(1, "must not be empty").max(200, "must be at most 200 characters").optional(),
  tags: ZTags.default([]),
  auth: ZDeviceAuth,
  /** A message signing key to issue with it (its private part is returned once); none when left out. */
  signingKey: ZSigningAlgorithm.optional(),
  /** Its roles and groups; when both are left out, the roles marked for new devices. */
  ...ZDeviceAccessInput.shape,
});
export type TDeviceCreate = z.infer<typeof ZDeviceCreate>;

export const ZDeviceQuery = z.strictObject({
  q: ZPlainString().max(128, "must be at most 128 characters").optional(),
  limit: ZLimit,
  /** The last client id of the previous page. */
  cursor: ZKeyCursor(CLIENT_ID_PATTERN, 128),
});

export const ZDeviceUpdate = z
  .strictObject({ disabled: z.boolean({ error: "must be true or false" }).optional(), ...ZDeviceAccessInput.shape })
  .refine((u) => u.disabled !== undefined || u.roles !== undefined || u.groups !== undefined, { message: "must change disabled, roles or groups", path: ["disabled"] });

export const LISTENER_NAMES = ["tls-password", "mtls", "psk", "wss"] as const;

export const ZEndpoint = z.object({ broker: z.string(), listener: z.enum(LISTENER_NAMES), url: z.string() });

export const ZDevice = z.object({
  id: z.string(),
  clientId: z.string(),
  name: z.string().nullable(),
  tags: z.array(z.string()),
  authType: z.enum(["PASSWORD", "PSK", "X509"]),
  disabled: z.boolean(),
  hasCredential: z.boolean(),
  revision: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TDevice = z.infer<typeof ZDevice>;

export const ZDeviceSecret = z.object({
  password: z.string().optional(),
  pskIdentity: z.string().optional(),
  pskKey: z.string().optional(),
  certPem: z.string().optional(),
  keyPem: z.string().optional(),
});

/** A signing key issued at onboarding: its id, algorithm and private part (once). */
export const ZIssuedSigningKey = z.object({ kid: z.string(), algorithm: ZSigningAlgorithm, secret: ZSigningSecret });

export const ZDeviceCreated = z.object({ device: ZDevice, secret: ZDeviceSecret, signingKey: ZIssuedSigningKey.optional(), caPem: z.string(), endpoints: z.array(ZEndpoint) });
export type TDeviceCreated = z.infer<typeof ZDeviceCreated>;

export const MAX_BULK_DEVICES = 10_000;

// The list; each row is then checked on its own (as ZDeviceCreate, and against the fleet) so that every bad row is
// reported with all its reasons in one answer.
export const ZDeviceBulk = z.strictObject({
  devices: z
    .array(z.unknown().meta({ description: "one device, exactly as the body of POST /api/v1/devices" }), { error: "must be a list of devices" })
    .min(1, "must hold at least one device")
    .max(MAX_BULK_DEVICES, `must hold at most ${MAX_BULK_DEVICES} devices`),
});

/** One bad row of a bulk import: its index in `devices` (0-based), the field and the reason. */
export type TBulkRowError = { row: number; field: string; reason: string };

export const ZBatchBroker = z.object({
  broker: z.string(),
  state: z.enum(["applied", "pending", "offline", "error"]),
  appliedRevision: z.string(),
  lastError: z.string().nullable(),
});

export const ZDeviceBatch = z.object({
  id: z.string(),
  count: z.number(),
  remaining: z.number(),
  revision: z.string(),
  status: z.enum(["pushing", "done", "cancelling", "cancelled"]),
  createdBy: z.string(),
  createdAt: z.string(),
  cancelledAt: z.string().nullable(),
  brokers: z.array(ZBatchBroker),
});
export type TDeviceBatch = z.infer<typeof ZDeviceBatch>;

export const ZDeviceBulkCreated = z.object({
  batch: ZDeviceBatch,
  devices: z.array(z.object({ id: z.string(), clientId: z.string(), secret: ZDeviceSecret, signingKey: ZIssuedSigningKey.optional() })),
  caPem: z.string(),
  endpoints: z.array(ZEndpoint),
});
export type TDeviceBulkCreated = z.infer<typeof ZDeviceBulkCreated>;
