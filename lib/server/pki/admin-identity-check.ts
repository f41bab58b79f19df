import "server-only";
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { sealingProblem } from "@/lib/domain/agent-sealing";
import { ADMIN_IDENTITY, agentIdentity } from "@/lib/domain/mosquitto-conf";
import type { TFieldErrors } from "../errors";

// Fleetward's own identities on a broker's admin listener (its admin identity, the broker's agent) are checked here
// before Fleetward stores one or sends a secret to one. The one rule that matters most: none may come from a CA
// that issues device certificates (the fleet CA or any added device CA), or a device certificate with the same CN
// would be Fleetward on that listener.

const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
const ANY_USAGE = "2.5.29.37.0";

export type TAdminIdentityCheck = { ok: true } | { ok: false; fields: TFieldErrors };

export const certificatesIn = (pem: string): X509Certificate[] =>
  (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).flatMap((block) => {
    try {
      return [new X509Certificate(block)];
    } catch {
      return [];
    }
  });

const cnOf = (cert: X509Certificate) => /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? "";

/** The CA among `cas` whose key signed `cert`, or null. */
export const issuerAmong = (cert: X509Certificate, cas: readonly X509Certificate[]) => cas.find((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey)) ?? null;

/** Why `cert` must not be one of Fleetward's identities because a device CA issued it, or null. */
export function deviceIssuedProblem(cert: X509Certificate, deviceCas: readonly X509Certificate[]): string | null {
  const ca = issuerAmong(cert, deviceCas);
  return ca
    ? `is issued by ${JSON.stringify(cnOf(ca) || ca.subject)}, a CA that issues device certificates: a device could then be Fleetward on the admin listener. Use Fleetward's service CA or a CA of your own that issues no device certificate`
    : null;
}

function validityProblem(cert: X509Certificate, now: Date): string | null {
  if (new Date(cert.validFrom) > now) return `is not valid before ${new Date(cert.validFrom).toISOString()}`;
  if (new Date(cert.validTo) <= now) return `expired ${new Date(cert.validTo).toISOString()}`;
  return null;
}

function certProblem(cert: X509Certificate, deviceCas: readonly X509Certificate[], now: Date): string | null {
  const cn = cnOf(cert);
  // The admin listener names its users by certificate CN, and its ACL grants the admin identity alone.
  if (cn !== ADMIN_IDENTITY) return `has CN ${JSON.stringify(cn)}, but the broker's admin listener grants only ${JSON.stringify(ADMIN_IDENTITY)}`;
  const problem = deviceIssuedProblem(cert, deviceCas) ?? validityProblem(cert, now);
  if (problem) return problem;
  const usages = cert.keyUsage;
  if (usages?.length && !usages.includes(CLIENT_AUTH) && !usages.includes(ANY_USAGE)) return "is not for client authentication (its extended key usage lacks clientAuth)";
  return null;
}

/**
 * What a new admin identity must be before it replaces a broker's current one: a certificate for Fleetward's admin
 * name, from no device CA (`deviceCaPems`), valid now and meant for client authentication, with its own unencrypted
 * private key. Each problem is reported under its field. Whether the broker trusts its CA, the broker itself says
 * when the identity is tried on it.
 */
export function checkAdminIdentity(certPem: string, keyPem: string, deviceCaPems: readonly string[], now = new Date()): TAdminIdentityCheck {
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
    const problem = certProblem(cert, deviceCaPems.flatMap(certificatesIn), now);
    if (problem) fields.adminCertPem = problem;
    else if (key && !cert.checkPrivateKey(key)) fields.adminKeyPem = "does not belong to the certificate in adminCertPem";
  }
  return Object.keys(fields).length ? { ok: false, fields } : { ok: true };
}

/**
 * Why the certificate a broker's agent announces may not receive that broker's secrets, or null: it must name this
 * broker's agent, be valid now, come from a CA for Fleetward's identities (`trustedCaPems`: the service CA, the CAs
 * of the broker's caPem) and from no device CA, and hold a key that can be encrypted to.
 */
export function agentCertProblem(certPem: string, broker: string, cas: { trusted: readonly string[]; device: readonly string[] }, now = new Date()): string | null {
  const [cert] = certificatesIn(certPem);
  if (!cert) return "is not a PEM certificate";
  if (cnOf(cert) !== agentIdentity(broker)) return `has CN ${JSON.stringify(cnOf(cert))}, not ${JSON.stringify(agentIdentity(broker))}`;
  const problem = deviceIssuedProblem(cert, cas.device.flatMap(certificatesIn)) ?? validityProblem(cert, now);
  if (problem) return problem;
  if (!issuerAmong(cert, cas.trusted.flatMap(certificatesIn))) return "is issued neither by Fleetward's service CA nor by a CA in the broker's caPem";
  return sealingProblem(cert);
}
