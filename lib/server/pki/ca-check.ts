import "server-only";
import "reflect-metadata";
import { execFileSync } from "node:child_process";
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import * as x509 from "@peculiar/x509";
import type { TFieldErrors } from "../errors";

/**
 * OpenSSL's subject hash of a certificate: brokers look a CA up in their capath folder by this name, so it is
 * taken from OpenSSL itself (the library Mosquitto uses), not recomputed.
 */
export function subjectHash(certPem: string): string {
  const out = execFileSync("openssl", ["x509", "-noout", "-subject_hash"], { input: certPem, encoding: "utf8", timeout: 10_000 }).trim();
  if (!/^[0-9a-f]{8}$/.test(out)) throw new Error(`openssl gave no subject hash (${out.slice(0, 40)})`);
  return out;
}

function keyProblem(k: KeyObject): string | null {
  const d = k.asymmetricKeyDetails ?? {};
  if (k.asymmetricKeyType === "ec") return ["prime256v1", "secp384r1"].includes(d.namedCurve ?? "") ? null : "is on a curve Fleetward does not use: EC P-256 or P-384, or RSA of 2048 bits or more";
  if (k.asymmetricKeyType === "rsa") return (d.modulusLength ?? 0) >= 2048 ? null : "is RSA below 2048 bits";
  return `is a ${k.asymmetricKeyType ?? "unknown"} key: a CA needs EC P-256/P-384 or RSA 2048+`;
}

export type TCaImportCheck = { ok: true; certPem: string; keyPem: string } | { ok: false; fields: TFieldErrors };

/**
 * What an imported CA must be for brokers to trust the device certificates it signs and the CRLs Fleetward signs
 * with it: a root CA certificate (self-signed, CA:TRUE, may sign certificates and CRLs, valid now and for more
 * than a day) and its own unencrypted private key, of a kind Fleetward accepts. Returns both normalised (the key as
 * PKCS#8) or each problem by field.
 */
export async function checkCaImport(certPem: string, keyPem: string, now = new Date()): Promise<TCaImportCheck> {
  const fields: TFieldErrors = {};
  let cert: X509Certificate | null = null;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    fields.certPem = "is not a PEM certificate (-----BEGIN CERTIFICATE-----)";
  }
  let key: KeyObject | null = null;
  try {
    key = createPrivateKey(keyPem);
  } catch (e) {
    const code = (e as { code?: string }).code ?? "";
    fields.keyPem = /PASSPHRASE|BAD_DECRYPT/.test(code) || /encrypted|passphrase/i.test(keyPem.slice(0, 200)) ? "is encrypted: export it without a passphrase to import it" : "is not a PEM private key";
  }
  // Node's parser is more lenient than this one (it skips a tab inside the base64): both must read it.
  let peculiar: x509.X509Certificate | null = null;
  try {
    peculiar = new x509.X509Certificate(certPem);
  } catch {
    fields.certPem = "is not a PEM certificate (-----BEGIN CERTIFICATE-----)";
  }
  if (cert && peculiar) {
    const usage = peculiar.getExtension(x509.KeyUsagesExtension);
    if (!cert.ca) fields.certPem = "is not a CA certificate (basicConstraints CA:TRUE is missing)";
    else if (usage && (!(usage.usages & x509.KeyUsageFlags.keyCertSign) || !(usage.usages & x509.KeyUsageFlags.cRLSign))) fields.certPem = "must allow keyCertSign and cRLSign (Fleetward signs device certificates and the CA's CRL with it)";
    else if (cert.subject !== cert.issuer || !(await peculiar.verify({ signatureOnly: true }).catch(() => false))) fields.certPem = "is not a root CA (self-signed); brokers need a trust anchor, and an intermediate CA's chain is not taken";
    else if (new Date(cert.validFrom) > now) fields.certPem = `is not valid before ${new Date(cert.validFrom).toISOString()}`;
    else if (new Date(cert.validTo).getTime() - now.getTime() < 86_400_000) fields.certPem = `expires ${new Date(cert.validTo).toISOString()}: a CA must be valid for more than a day`;
    else {
      const problem = keyProblem(cert.publicKey);
      if (problem) fields.certPem = `has a key that ${problem}`;
    }
  }
  if (cert && key && !fields.certPem && !cert.checkPrivateKey(key)) fields.keyPem = "does not belong to the certificate";
  if (Object.keys(fields).length || !cert || !key) return { ok: false, fields };
  return { ok: true, certPem: cert.toString(), keyPem: key.export({ type: "pkcs8", format: "pem" }).toString() };
}
