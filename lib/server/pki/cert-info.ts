import "server-only";
import { X509Certificate } from "node:crypto";

export type TCertInfo = {
  serial: string;
  subject: string;
  commonName: string | null;
  issuer: string;
  sans: string[];
  fingerprint256: string;
  keyType: string;
  keyBits: number | null;
  notBefore: Date;
  notAfter: Date;
};

const CURVE_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };

/** What the inventory shows of a certificate, read with Node's own X.509 parser. */
export function certInfo(pem: string): TCertInfo {
  const x = new X509Certificate(pem);
  const details = x.publicKey.asymmetricKeyDetails ?? {};
  const type = x.publicKey.asymmetricKeyType ?? "unknown";
  return {
    serial: x.serialNumber.toLowerCase().replace(/^0+(?=.)/, ""),
    subject: x.subject.replace(/\n/g, ", "),
    commonName: /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1] ?? null,
    issuer: x.issuer.replace(/\n/g, ", "),
    sans: (x.subjectAltName ?? "").split(", ").filter(Boolean),
    fingerprint256: x.fingerprint256,
    keyType: type === "ec" ? `EC ${details.namedCurve ?? ""}`.trim() : type.toUpperCase(),
    keyBits: details.modulusLength ?? (details.namedCurve ? (CURVE_BITS[details.namedCurve] ?? null) : null),
    notBefore: new Date(x.validFrom),
    notAfter: new Date(x.validTo),
  };
}
