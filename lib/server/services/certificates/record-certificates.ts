import "server-only";
import { certInfo } from "../../pki/cert-info";
import { db, type TTx } from "../../db";

export type TKnownCertificate = { pem: string; kind: "CA" | "BROKER" | "SERVICE" };

/**
 * Adds certificates Fleetward issued or was given (CA, broker server certificates, its admin and agent identities)
 * to the inventory; one already known (same serial) is left as it is.
 */
export async function recordCertificates(certs: readonly TKnownCertificate[], tx: TTx = db): Promise<void> {
  const data = certs.map(({ pem, kind }) => {
    const { commonName: _cn, ...info } = certInfo(pem);
    return { kind, ...info, pem };
  });
  if (data.length) await tx.certificate.createMany({ data, skipDuplicates: true });
}
