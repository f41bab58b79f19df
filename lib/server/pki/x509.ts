import "server-only";
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

// Keys Fleetward makes are ECDSA P-256 (small, fast, accepted by Mosquitto, mqtt.js and browsers); a CA may also be
// RSA 3072. Certificates and CRLs are signed with whatever key their CA has.
const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
export const CA_ALGORITHMS = {
  "ecdsa-p256": ALG,
  "rsa-3072": { name: "RSASSA-PKCS1-v1_5", modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
} as const;
export type TCaAlgorithm = keyof typeof CA_ALGORITHMS;
const DAY = 86_400_000;

/** How a CA signs: its key's algorithm with SHA-256 (SHA-384 for a P-384 key). */
type TSigningAlgorithm = { name: string; hash: string; namedCurve?: string };

function signingAlgorithmOf(caCertPem: string): TSigningAlgorithm {
  const alg = new x509.X509Certificate(caCertPem).publicKey.algorithm;
  if (alg.name === "ECDSA") {
    const { namedCurve } = alg as EcKeyAlgorithm;
    return { name: "ECDSA", namedCurve, hash: namedCurve === "P-384" ? "SHA-384" : "SHA-256" };
  }
  return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
}

export type TKeyPairPem = { certPem: string; keyPem: string };
export type TIssued = TKeyPairPem & { serial: string; notAfter: Date };

export const generateKeys = () => webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"]) as Promise<CryptoKeyPair>;

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key as webcrypto.CryptoKey);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

/** A CA's PKCS#8 private key, ready to sign as the CA's certificate says. */
async function caSigningKey(ca: TKeyPairPem): Promise<{ key: CryptoKey; algorithm: TSigningAlgorithm }> {
  const algorithm = signingAlgorithmOf(ca.certPem);
  const key = (await webcrypto.subtle.importKey("pkcs8", x509.PemConverter.decodeFirst(ca.keyPem), algorithm as webcrypto.RsaHashedImportParams, false, ["sign"])) as CryptoKey;
  return { key, algorithm };
}

/** 128 random bits, positive, as hex: unique serials without a counter. */
export function newSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0]! &= 0x7f;
  return Buffer.from(bytes).toString("hex");
}

export async function createCa(commonName: string, days = 3650, algorithm: TCaAlgorithm = "ecdsa-p256"): Promise<TIssued> {
  const alg = CA_ALGORITHMS[algorithm];
  const keys = (await webcrypto.subtle.generateKey(alg as webcrypto.EcKeyGenParams, true, ["sign", "verify"])) as CryptoKeyPair;
  const serial = newSerial();
  const notAfter = new Date(Date.now() + days * DAY);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial,
    name: `CN=${commonName}, O=Fleetward`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter,
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys.privateKey), serial, notAfter };
}

export type TIssueOptions = {
  ca: TKeyPairPem;
  commonName: string;
  usage: "server" | "client";
  dnsNames?: string[];
  ipAddresses?: string[];
  days: number;
  /** The subject's public key from a verified CSR; without it a key pair is generated here. */
  publicKey?: CryptoKey;
};

/** Issues a certificate signed by the CA (for a CSR's key, or a key pair generated here and returned once). */
export async function issueCertificate(o: TIssueOptions): Promise<TIssued> {
  const keys = o.publicKey ? null : await generateKeys();
  const caCert = new x509.X509Certificate(o.ca.certPem);
  const serial = newSerial();
  const notAfter = new Date(Date.now() + o.days * DAY);
  const sans = [...(o.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })), ...(o.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value }))];
  const signer = await caSigningKey(o.ca);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: `CN=${o.commonName}`,
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter,
    publicKey: o.publicKey ?? keys!.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([o.usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
      ...(sans.length ? [new x509.SubjectAlternativeNameExtension(sans)] : []),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: keys ? await privateKeyPem(keys.privateKey) : "", serial, notAfter };
}

const ACCEPTED_KEYS: Record<string, (k: x509.PublicKey) => boolean> = {
  ECDSA: (k) => ["P-256", "P-384"].includes((k.algorithm as EcKeyAlgorithm).namedCurve),
  "RSASSA-PKCS1-v1_5": (k) => ((k.algorithm as RsaHashedKeyAlgorithm).modulusLength ?? 0) >= 2048,
};

/**
 * Reads a CSR and checks what the CA relies on: its signature (proof of the private key), its CN and an
 * accepted key (EC P-256/P-384, RSA 2048+). Returns the public key to certify, or why it is refused.
 */
export async function verifyCsr(pem: string, expectedCn: string): Promise<{ publicKey: CryptoKey } | { error: string }> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem.trim());
  } catch {
    return { error: "is not a PEM certificate signing request (-----BEGIN CERTIFICATE REQUEST-----)" };
  }
  if (!(await csr.verify().catch(() => false))) return { error: "has a signature that does not verify: it was not signed by its own key" };
  const cn = csr.subjectName.getField("CN")[0];
  if (cn !== expectedCn) return { error: `has CN ${JSON.stringify(cn ?? "")}, but the certificate's CN must be the client id ${JSON.stringify(expectedCn)}` };
  const check = ACCEPTED_KEYS[csr.publicKey.algorithm.name];
  if (!check || !check(csr.publicKey)) return { error: "has a key Fleetward does not certify: use EC P-256 or P-384, or RSA of 2048 bits or more" };
  return { publicKey: await csr.publicKey.export() };
}

export type TRevokedEntry = { serial: string; revokedAt: Date };

/** A CRL signed by the CA listing revoked serials; brokers refuse those certificates on the next handshake. */
export async function createCrl(ca: TKeyPairPem, revoked: readonly TRevokedEntry[], nextUpdateDays = 30): Promise<string> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const signer = await caSigningKey(ca);
  const crl = await x509.X509CrlGenerator.create({
    issuer: caCert.subject,
    thisUpdate: new Date(Date.now() - 60_000),
    nextUpdate: new Date(Date.now() + nextUpdateDays * DAY),
    entries: revoked.map((r) => ({ serialNumber: r.serial, revocationDate: r.revokedAt, reason: x509.X509CrlReason.keyCompromise })),
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(caCert)],
  });
  // OpenSSL (and so Mosquitto) reads only the "X509 CRL" PEM label.
  return x509.PemConverter.encode(crl.rawData, "X509 CRL");
}
