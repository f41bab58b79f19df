import "server-only";
import { X509Certificate } from "node:crypto";
import { keyOf } from "@/lib/domain/key-names";

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

/** What the inventory shows of a certificate, read with Node's own X.509 parser. */
export function certInfo(pem: string): TCertInfo {
  const x = new X509Certificate(pem);
  return {
    serial: x.serialNumber.toLowerCase().replace(/^0+(?=.)/, ""),
    subject: x.subject.replace(/\n/g, ", "),
    commonName: /(?:^|\n)CN=([^\n]*)/.exec(x.subject)?.[1] ?? null,
    issuer: x.issuer.replace(/\n/g, ", "),
    sans: (x.subjectAltName ?? "").split(", ").filter(Boolean),
    fingerprint256: x.fingerprint256,
    ...keyOf(x),
    notBefore: new Date(x.validFrom),
    notAfter: new Date(x.validTo),
  };
}
