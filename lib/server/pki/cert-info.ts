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

// OpenSSL's curve names, as Node reports them, and the names operators know.
const CURVES: Record<string, { name: string; bits: number }> = {
  prime256v1: { name: "P-256", bits: 256 },
  secp384r1: { name: "P-384", bits: 384 },
  secp521r1: { name: "P-521", bits: 521 },
};

/** What the inventory shows of a certificate, read with Node's own X.509 parser. */
export function certInfo(pem: string): TCertInfo {
  const x = new X509Certificate(pem);
  const details = x.publicKey.asymmetricKeyDetails ?? {};
  const type = x.publicKey.asymmetricKeyType ?? "unknown";
  const curve = details.namedCurve ? CURVES[details.namedCurve] : undefined;
  return {
    serial: x.serialNumber.toLowerCase().replace(/^0+(?=.)/, ""),
    subject: x.subject.replace(/\n/g, ", "),
    commonName: /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1] ?? null,
    issuer: x.issuer.replace(/\n/g, ", "),
    sans: (x.subjectAltName ?? "").split(", ").filter(Boolean),
    fingerprint256: x.fingerprint256,
    keyType: type === "ec" ? `EC ${curve?.name ?? details.namedCurve ?? ""}`.trim() : type.toUpperCase(),
    keyBits: details.modulusLength ?? curve?.bits ?? null,
    notBefore: new Date(x.validFrom),
    notAfter: new Date(x.validTo),
  };
}
