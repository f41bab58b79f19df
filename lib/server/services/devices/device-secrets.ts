import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { mosquittoPasswordHash } from "@/lib/domain/mosquitto-password";
import { AppError } from "../../errors";
import { certInfo, type TCertInfo } from "../../pki/cert-info";
import { issueCertificate, verifyCsr } from "../../pki/x509";
import { generatePassword } from "../../passwords";
import { seal } from "../../secrets";
import { deviceIssuer } from "../ca/device-issuer";

export const pskContext = (deviceId: string) => `device:${deviceId}:psk`;
export const DEVICE_CERT_DAYS = 397;

/** What a device's owner receives once, named as the API returns it. */
export type TDeviceSecret = { password?: string; pskIdentity?: string; pskKey?: string; certPem?: string; keyPem?: string };

export type TCertificateRow = Omit<TCertInfo, "commonName"> & { kind: "DEVICE"; pem: string; caId: string | null };

export type TNewCredential = {
  row: { id: string; authType: "PASSWORD" | "PSK" | "X509"; passwordHash?: string | null; pskIdentity?: string | null; pskKeySealed?: string | null };
  certificate: TCertificateRow | null;
  secret: TDeviceSecret;
};

/** A CSR may arrive already verified (a bulk import checks every row first): its key is then certified as is. */
export type TAuthRequest = { type: "password" } | { type: "psk" } | { type: "x509"; csrPem?: string; verifiedKey?: CryptoKey };

/**
 * A fresh dedicated secret: a 190-bit password kept only as the broker's hash; a 256-bit TLS-PSK key sealed at
 * rest (the broker needs it in psk_file); or a client certificate from the fleet CA with CN = client id, for
 * the device's own CSR (its key never leaves it) or for a key pair generated here and returned once.
 */
export async function newCredential(auth: TAuthRequest, clientId: string, id: string = randomUUID()): Promise<TNewCredential> {
  if (auth.type === "password") {
    const password = generatePassword(32);
    return { row: { id, authType: "PASSWORD", passwordHash: await mosquittoPasswordHash(password) }, certificate: null, secret: { password } };
  }
  if (auth.type === "psk") {
    const pskKey = randomBytes(32).toString("hex");
    return { row: { id, authType: "PSK", pskIdentity: clientId, pskKeySealed: seal(pskKey, pskContext(id)) }, certificate: null, secret: { pskIdentity: clientId, pskKey } };
  }
  const certificate = await issueDeviceCertificate(clientId, auth.verifiedKey ?? auth.csrPem);
  return { row: { id, authType: "X509" }, certificate: certificate.row, secret: { certPem: certificate.certPem, ...(certificate.keyPem ? { keyPem: certificate.keyPem } : {}) } };
}

export async function issueDeviceCertificate(clientId: string, csr?: string | CryptoKey) {
  let publicKey = typeof csr === "string" ? undefined : csr;
  if (typeof csr === "string") {
    const checked = await verifyCsr(csr, clientId);
    if ("error" in checked) throw new AppError("UNPROCESSABLE", `The CSR ${checked.error}.`, { "auth.csrPem": checked.error });
    publicKey = checked.publicKey;
  }
  const issuer = await deviceIssuer();
  const issued = await issueCertificate({ ca: issuer.ca, commonName: clientId, usage: "client", days: DEVICE_CERT_DAYS, publicKey });
  const { commonName: _cn, ...info } = certInfo(issued.certPem);
  const row: TCertificateRow = { kind: "DEVICE", ...info, pem: issued.certPem, caId: issuer.caId };
  return { row, certPem: issued.certPem, keyPem: issued.keyPem || null };
}
