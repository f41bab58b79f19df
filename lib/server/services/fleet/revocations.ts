import "server-only";
import type { TTx } from "../../db";
import { createCrl } from "../../pki/x509";
import { fleetCa } from "./fleet-keys";

/** Reissues the fleet CA's CRL with every revoked certificate, inside the revoking transaction. */
export async function reissueCrl(tx: TTx): Promise<void> {
  const revoked = await tx.certificate.findMany({ where: { revokedAt: { not: null } }, select: { serial: true, revokedAt: true } });
  const crlPem = await createCrl(await fleetCa(), revoked.map((r) => ({ serial: r.serial, revokedAt: r.revokedAt! })));
  await tx.fleetState.update({ where: { id: 1 }, data: { crlPem, crlIssuedAt: new Date() } });
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
