import { z } from "zod";
import { SYNC_STATES } from "@/lib/domain/sync-state";
import { ZPlainString } from "./common";

const ZPort = z.number({ error: "must be a port number" }).int("must be a whole number").min(1, "must be 1-65535").max(65535, "must be 1-65535");
const pem = (label: RegExp, what: string) =>
  z
    .string({ error: `must be a PEM ${what}` })
    .max(20_000, "is too long for a PEM block")
    .refine((s) => label.test(s.trim()), `must be a PEM ${what} (-----BEGIN ...-----)`);

export const ZBrokerPorts = z.strictObject({
  admin: ZPort,
  tlsPassword: ZPort,
  mtls: ZPort,
  psk: ZPort,
  wss: ZPort,
  /** The live listener browsers' live views reach through Fleetward's relay; without it the broker has no live views. */
  live: ZPort.optional(),
});

export const ZEnforcement = z.enum(["plugin", "files"], { error: "must be plugin or files" });

export const ZBrokerName = ZPlainString("is required").regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be 1-63 characters of a-z, 0-9 and -, starting with a letter or digit");

const ZAdminCertPem = pem(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/, "certificate");
const ZAdminKeyPem = pem(/^-----BEGIN (EC |RSA )?PRIVATE KEY-----[\s\S]+-----END (EC |RSA )?PRIVATE KEY-----$/, "private key");

export const ZBrokerCreate = z.strictObject({
  name: ZBrokerName,
  host: ZPlainString("is required")
    .min(1, "is required")
    .max(253, "must be at most 253 characters")
    .regex(/^[A-Za-z0-9.-]+$|^\[?[0-9a-fA-F:]+\]?$/, "must be a host name or IP address"),
  ports: ZBrokerPorts,
  caPem: pem(/^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/, "certificate"),
  adminCertPem: ZAdminCertPem,
  adminKeyPem: ZAdminKeyPem,
  tags: z.array(z.string().regex(/^[\w.:-]{1,40}$/, "tags are 1-40 of letters, digits, . _ : -")).max(20, "at most 20 tags").default([]),
  /** How the broker enforces: Fleetward's broker plugin, sent deltas, or the files its agent writes. */
  enforcement: ZEnforcement.default("files"),
});
export type TBrokerCreate = z.infer<typeof ZBrokerCreate>;

/** A new client certificate and key for Fleetward's admin channel to one broker, replacing the current ones. */
export const ZBrokerAdminIdentity = z.strictObject({ adminCertPem: ZAdminCertPem, adminKeyPem: ZAdminKeyPem });
export type TBrokerAdminIdentity = z.infer<typeof ZBrokerAdminIdentity>;

export const ZBroker = z.object({
  id: z.string(),
  name: z.string(),
  host: z.string(),
  ports: ZBrokerPorts,
  tags: z.array(z.string()),
  syncState: z.enum(SYNC_STATES),
  enforcement: ZEnforcement,
  reachable: z.boolean(),
  version: z.string().nullable(),
  uptimeSeconds: z.number().nullable(),
  connectedClients: z.number().nullable(),
  desiredRevision: z.string(),
  appliedRevision: z.string(),
  appliedAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  lastChangeAt: z.string(),
  lastError: z.string().nullable(),
  driftedFiles: z.array(z.string()),
  caPem: z.string(),
  adminCertPem: z.string(),
});
export type TBroker = z.infer<typeof ZBroker>;
