// How Fleetward's broker plugin finds a certificate among the revoked: "<SHA-256 of the issuer's name>:<serial>",
// the name as the certificate encodes it (the DER bytes OpenSSL's X509_NAME_get0_der gives), the serial in lowercase
// hex without leading zeros. The same key from the certificate a client presents and from the one Fleetward issued
// or imported, whoever made it. Pure (node:crypto only).
import { createHash, X509Certificate } from "node:crypto";

/** One DER element at `at`: where its content starts and where it ends. */
function element(der: Buffer, at: number): { tag: number; start: number; end: number } {
  const tag = der[at]!;
  let len = der[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 4) throw new Error("unsupported DER length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i]!;
    start += n;
  }
  if (start + len > der.length) throw new Error("truncated DER");
  return { tag, start, end: start + len };
}

/** The issuer Name of a certificate exactly as encoded in it (TBSCertificate: [0] version?, serial, signature, issuer). */
export function issuerNameDer(certDer: Buffer): Buffer {
  const cert = element(certDer, 0);
  const tbs = element(certDer, cert.start);
  let at = tbs.start;
  const first = element(certDer, at);
  if (first.tag === 0xa0) at = first.end;
  at = element(certDer, at).end; // serialNumber
  at = element(certDer, at).end; // signature algorithm
  const issuer = element(certDer, at);
  if (issuer.tag !== 0x30) throw new Error("the certificate's issuer is not a Name");
  return certDer.subarray(at, issuer.end);
}

/** A serial as the plugin writes it: lowercase hex, no leading zeros. */
export const pluginSerial = (hex: string) => hex.toLowerCase().replace(/^0+(?=.)/, "");

/** The plugin's key for a certificate (PEM). */
export function certificateKey(certPem: string): string {
  const cert = new X509Certificate(certPem);
  return `${createHash("sha256").update(issuerNameDer(cert.raw)).digest("hex")}:${pluginSerial(cert.serialNumber)}`;
}
