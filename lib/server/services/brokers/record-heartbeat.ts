import "server-only";
import type { TConfPosture } from "@/lib/domain/broker-conf-posture";
import { driftedFiles, type TFileDigests } from "@/lib/domain/broker-files";
import { db } from "../../db";
import { brokersWithSyncPending, enqueueBrokerSyncs, retryBrokerSyncsNow } from "../../queue";

/** A heartbeat's body as its agent sends it; whose it is, is the topic's business (see reportBroker). */
export type THeartbeat = {
  online: boolean;
  at?: number;
  digests?: Record<string, string>;
  version?: string | null;
  uptimeSeconds?: number | null;
  connectedClients?: number | null;
  /** What the broker's conf says (listeners' TLS, connection logging), when the agent is given the file. */
  conf?: TConfPosture | null;
};

/**
 * Stores what a broker's agent last reported. `broker`: the broker named by the topic the report came on, never a
 * name in its body. An "offline" will message leaves lastSeenAt to age out.
 * A broker that reports files other than those it was sent (wiped, edited by hand), or that is behind the desired
 * state with no sync on the way (it was down longer than the retries lasted), gets a sync at once: it heals itself
 * within a heartbeat rather than at the next reconcile. `reconnected`: the first heartbeat on a new admin connection
 * (the broker may be back from an outage): its syncs waiting out their backoff run now.
 */
export async function recordHeartbeat(name: string, h: THeartbeat, { reconnected = false }: { reconnected?: boolean } = {}): Promise<void> {
  if (h.online !== true) return;
  await db.$transaction(async (tx) => {
    const broker = await tx.broker.findUnique({ where: { name }, select: { id: true, appliedRevision: true, expectedDigests: true } });
    if (!broker) return;
    await tx.broker.update({
      where: { id: broker.id },
      data: {
        lastSeenAt: new Date(),
        actualDigests: h.digests ?? undefined,
        version: h.version ?? undefined,
        uptimeSeconds: h.uptimeSeconds ?? undefined,
        connectedClients: h.connectedClients ?? undefined,
        confPosture: h.conf ?? undefined,
      },
    });
    const drifted = h.digests ? driftedFiles(broker.expectedDigests as Partial<TFileDigests> | null, h.digests as Partial<TFileDigests>).length > 0 : false;
    const { revision } = await tx.fleetState.findUniqueOrThrow({ where: { id: 1 }, select: { revision: true } });
    if (!drifted && broker.appliedRevision >= revision) return;
    if ((await brokersWithSyncPending(tx, [broker.id])).size) {
      // Back after an absence: the syncs that failed meanwhile need not wait out their backoff.
      if (reconnected) await retryBrokerSyncsNow(tx, broker.id);
      return;
    }
    await enqueueBrokerSyncs(tx, [broker.id], drifted ? "heartbeat: files differ from those sent" : "heartbeat: behind, back online");
  });
}
