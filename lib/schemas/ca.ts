import { z } from "zod";
import { ZPlainString } from "./common";

export const CA_ALGORITHM_NAMES = ["ecdsa-p256", "rsa-3072"] as const;

export const ZCaCreate = z.strictObject({
  commonName: ZPlainString("is required").trim().min(1, "is required").max(64, "must be at most 64 characters").regex(/^[\w .@()-]+$/, "may use letters, digits, spaces and . @ ( ) _ - only"),
  algorithm: z.enum(CA_ALGORITHM_NAMES, { error: "must be ecdsa-p256 or rsa-3072" }).default("ecdsa-p256"),
  validityDays: z.number({ error: "must be a number of days" }).int("must be a whole number of days").min(30, "must be at least 30 days").max(7300, "must be at most 7300 days (20 years)").default(3650),
});
export type TCaCreate = z.infer<typeof ZCaCreate>;

const pem = (what: string) => z.string({ error: "is required" }).min(1, "is required").max(20_000, `is too long for ${what}`);

export const ZCaImport = z.strictObject({ certPem: pem("a certificate"), keyPem: pem("a private key") });

export const ZCa = z.object({
  /** "fleet" for the fleet CA, which also signs the brokers' and Fleetward's own certificates. */
  id: z.string(),
  commonName: z.string(),
  source: z.enum(["FLEET", "CREATED", "IMPORTED"]),
  issuing: z.boolean(),
  keyType: z.string(),
  keyBits: z.number().nullable(),
  notAfter: z.string(),
  fingerprint256: z.string(),
  deviceCertificates: z.number(),
  createdAt: z.string().nullable(),
});
export type TCa = z.infer<typeof ZCa>;
