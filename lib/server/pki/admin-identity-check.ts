import "server-only";
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { ADMIN_IDENTITY } from "@/lib/domain/mosquitto-conf";
import type { TFieldErrors } from "../errors";

const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
const ANY_USAGE = "2.5.29.37.0";

export type TAdminIdentityCheck = { ok: true } | { ok: false; fields: TFieldErrors };

const certificatesIn = (pem: string): X509Certificate[] =>
  (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).flatMap((block) => {
    try {
      return [new X509Certificate(block)];
    } catch {
      return [];
    }
  });

function certProblem(cert: X509Certificate, cas: X509Certificate[], now: Date): string | null {
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? "";
  // The admin listener names its users by certificate CN, and its ACL grants the admin identity alone.
  if (cn !== ADMIN_IDENTITY) return `has CN ${JSON.stringify(cn)}, but the broker's admin listener grants only ${JSON.stringify(ADMIN_IDENTITY)}`;
  if (!cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) {
    const ca = cas[0] ? /(?:^|\n)CN=([^\n]*)/.exec(cas[0].subject)?.[1] ?? cas[0].subject : "none";
    return `is not signed by this broker's CA (${ca}): its admin listener would refuse it`;
  }
  if (new Date(cert.validFrom) > now) return `is not valid before ${new Date(cert.validFrom).toISOString()}`;
  if (new Date(cert.validTo) <= now) return `expired ${new Date(cert.validTo).toISOString()}`;
  const usages = cert.keyUsage;
  if (usages?.length && !usages.includes(CLIENT_AUTH) && !usages.includes(ANY_USAGE)) return "is not for client authentication (its extended key usage lacks clientAuth)";
  return null;
}

/**
 * What a new admin identity must be before it replaces a broker's current one: a certificate for Fleetward's admin
 * name, issued by the CA the broker trusts (`caPem`, as registered), valid now and meant for client authentication,
 * with its own unencrypted private key. Each problem is reported under its field.
 */
export function checkAdminIdentity(certPem: string, keyPem: string, caPem: string, now = new Date()): TAdminIdentityCheck {
  const fields: TFieldErrors = {};
  const [cert] = certificatesIn(certPem);
  let key: KeyObject | null = null;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    fields.adminKeyPem = "is not an unencrypted PEM private key";
  }
  if (!cert) fields.adminCertPem = "is not a PEM certificate (-----BEGIN CERTIFICATE-----)";
  else {
    const problem = certProblem(cert, certificatesIn(caPem), now);
    if (problem) fields.adminCertPem = problem;
    else if (key && !cert.checkPrivateKey(key)) fields.adminKeyPem = "does not belong to the certificate in adminCertPem";
  }
  return Object.keys(fields).length ? { ok: false, fields } : { ok: true };
}
