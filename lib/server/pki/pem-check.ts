import "server-only";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { createSecureContext } from "node:tls";
import type { TFieldErrors } from "../errors";

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

const parses = (block: string) => {
  try {
    new X509Certificate(block);
    return true;
  } catch {
    return false;
  }
};

/**
 * Whether a broker's CA, admin certificate and admin key are what TLS will take, by field, before anything connects
 * with them: a block that only looks like PEM (a stray character in its base64) makes Node's TLS throw, not fail a
 * handshake.
 */
export function tlsIdentityProblems(input: { caPem: string; adminCertPem: string; adminKeyPem: string }): TFieldErrors {
  const fields: TFieldErrors = {};
  for (const field of ["caPem", "adminCertPem"] as const) {
    const blocks = input[field].match(CERTIFICATE_BLOCK) ?? [];
    if (!blocks.length || !blocks.every(parses)) fields[field] = "is not a PEM certificate (-----BEGIN CERTIFICATE-----)";
  }
  try {
    createPrivateKey(input.adminKeyPem);
  } catch {
    fields.adminKeyPem = "is not an unencrypted PEM private key";
  }
  if (Object.keys(fields).length) return fields;
  try {
    createSecureContext({ ca: input.caPem, cert: input.adminCertPem, key: input.adminKeyPem });
  } catch (e) {
    const mismatch = /key values mismatch/i.test((e as Error).message);
    fields[mismatch ? "adminKeyPem" : "caPem"] = mismatch ? "does not belong to the certificate in adminCertPem" : "is not a PEM certificate TLS can use";
  }
  return fields;
}
