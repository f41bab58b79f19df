import "server-only";
import type { TConfPosture } from "@/lib/domain/broker-conf-posture";
import { db } from "../../db";

export type THeartbeat = {
  broker: string;
  online: boolean;
  at?: number;
  digests?: Record<string, string>;
  version?: string | null;
  uptimeSeconds?: number | null;
  connectedClients?: number | null;
  /** What the broker's conf says (listeners' TLS, connection logging), when the agent is given the file. */
  conf?: TConfPosture | null;
};

/** Stores what a broker's agent last reported. An "offline" will message leaves lastSeenAt to age out. */
export async function recordHeartbeat(h: THeartbeat): Promise<void> {
  if (!h.online) return;
  await db.broker.updateMany({
    where: { name: h.broker },
    data: {
      lastSeenAt: new Date(),
      actualDigests: h.digests ?? undefined,
      version: h.version ?? undefined,
      uptimeSeconds: h.uptimeSeconds ?? undefined,
      connectedClients: h.connectedClients ?? undefined,
      confPosture: h.conf ?? undefined,
    },
  });
}
