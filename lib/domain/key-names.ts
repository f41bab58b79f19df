// Public keys named as operators know them: OpenSSL (and so Node) reports curves by their ASN.1 names.
import type { X509Certificate } from "node:crypto";

const CURVES: Record<string, { name: string; bits: number }> = {
  prime256v1: { name: "P-256", bits: 256 },
  secp384r1: { name: "P-384", bits: 384 },
  secp521r1: { name: "P-521", bits: 521 },
};

/** "EC P-256", "RSA", "ED25519"… and the key size in bits where it has one. */
export function keyOf(x: X509Certificate): { keyType: string; keyBits: number | null } {
  const type = x.publicKey.asymmetricKeyType ?? "unknown";
  const details = x.publicKey.asymmetricKeyDetails ?? {};
  const curve = details.namedCurve ? CURVES[details.namedCurve] : undefined;
  return {
    keyType: type === "ec" ? `EC ${curve?.name ?? details.namedCurve ?? ""}`.trim() : type.toUpperCase(),
    keyBits: details.modulusLength ?? curve?.bits ?? null,
  };
}
