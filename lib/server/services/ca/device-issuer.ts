import "server-only";
import type { TKeyPairPem } from "../../pki/x509";
import { db } from "../../db";
import { unseal } from "../../secrets";
import { fleetCa } from "../fleet/fleet-keys";

export const caKeyContext = (id: string) => `ca:${id}:key`;

/** A device CA's certificate and key (unsealed for signing only). */
export async function caKeys(id: string): Promise<TKeyPairPem> {
  const ca = await db.certificateAuthority.findUniqueOrThrow({ where: { id }, select: { certPem: true, keySealed: true } });
  return { certPem: ca.certPem, keyPem: unseal(ca.keySealed, caKeyContext(id)) };
}

/** The CA that signs new device certificates: the one an operator created or imported last, else the fleet CA. */
export async function deviceIssuer(): Promise<{ ca: TKeyPairPem; caId: string | null }> {
  const issuing = await db.certificateAuthority.findFirst({ where: { issuing: true }, select: { id: true } });
  return issuing ? { ca: await caKeys(issuing.id), caId: issuing.id } : { ca: await fleetCa(), caId: null };
}
