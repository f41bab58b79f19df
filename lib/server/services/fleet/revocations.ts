import "server-only";
import type { TTx } from "../../db";
import { createCrl } from "../../pki/x509";
import { caKeys } from "../ca/device-issuer";
import { fleetCa } from "./fleet-keys";

/**
 * Reissues every device CA's CRL (the fleet CA's and each added CA's) with the certificates it issued that are
 * revoked, inside the revoking transaction.
 */
export async function reissueCrl(tx: TTx): Promise<void> {
  const revoked = await tx.certificate.findMany({ where: { revokedAt: { not: null }, kind: "DEVICE" }, select: { serial: true, revokedAt: true, caId: true } });
  const of = (caId: string | null) => revoked.filter((r) => r.caId === caId).map((r) => ({ serial: r.serial, revokedAt: r.revokedAt! }));
  const now = new Date();
  await tx.fleetState.update({ where: { id: 1 }, data: { crlPem: await createCrl(await fleetCa(), of(null)), crlIssuedAt: now } });
  for (const ca of await tx.certificateAuthority.findMany({ select: { id: true } })) {
    await tx.certificateAuthority.update({ where: { id: ca.id }, data: { crlPem: await createCrl(await caKeys(ca.id), of(ca.id)), crlIssuedAt: now } });
  }
}

/**
 * Closes the devices' open sessions on every broker once that broker has applied `revision` (the state that
 * refuses its reconnect): Mosquitto keeps a session whose PSK identity was removed or whose certificate was
 * revoked, so the sync job takes it over afterwards.
 */
export async function queueKick(tx: TTx, clientIds: string | readonly string[], revision: bigint, reason: string): Promise<void> {
  const ids = typeof clientIds === "string" ? [clientIds] : clientIds;
  await tx.kick.createMany({ data: ids.map((clientId) => ({ clientId, revision, reason })) });
}
