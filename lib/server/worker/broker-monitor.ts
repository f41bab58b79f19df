import "server-only";
import type { MqttClient } from "mqtt";
import { AGENT_TOPICS } from "@/lib/domain/agent-command";
import { connectAdmin } from "@/lib/fleet/admin-channel";
import { db } from "../db";
import { endpointOf } from "../services/brokers/broker-driver-for";
import { recordHeartbeat, type THeartbeat } from "../services/brokers/record-heartbeat";

const REFRESH_MS = 5_000;

/** Keeps one admin connection per registered broker and records its agent's heartbeats. */
export function startBrokerMonitor(log: (msg: string) => void): { stop: () => Promise<void> } {
  const connections = new Map<string, { client: MqttClient | null; key: string }>();
  let stopped = false;

  async function watch(id: string, key: string) {
    const b = await db.broker.findUnique({ where: { id } });
    if (!b || stopped) return;
    const entry = { client: null as MqttClient | null, key };
    connections.set(id, entry);
    try {
      const client = await connectAdmin(endpointOf(b));
      entry.client = client;
      client.on("message", (_topic, payload) => {
        try {
          void recordHeartbeat(JSON.parse(payload.toString("utf8")) as THeartbeat).catch((e: unknown) => log(`heartbeat of ${b.name} not stored: ${String(e)}`));
        } catch {
          /* a malformed heartbeat is ignored */
        }
      });
      client.on("close", () => connections.get(id) === entry && connections.delete(id));
      await client.subscribeAsync(AGENT_TOPICS.heartbeat(b.name), { qos: 0 });
    } catch (e) {
      connections.delete(id);
      log(`cannot watch ${b.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async function refresh() {
    const brokers = await db.broker.findMany({ select: { id: true, host: true, ports: true, adminCertPem: true } });
    const wanted = new Map(brokers.map((b) => [b.id, `${b.host}|${JSON.stringify(b.ports)}|${b.adminCertPem.length}`]));
    for (const [id, c] of connections) {
      if (wanted.get(id) !== c.key) {
        connections.delete(id);
        await c.client?.endAsync(true).catch(() => undefined);
      }
    }
    await Promise.all([...wanted].filter(([id]) => !connections.has(id)).map(([id, key]) => watch(id, key)));
  }

  const tick = () => void refresh().catch((e: unknown) => log(`monitor refresh failed: ${String(e)}`));
  tick();
  const timer = setInterval(tick, REFRESH_MS);
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await Promise.all([...connections.values()].map((c) => c.client?.endAsync(true).catch(() => undefined)));
    },
  };
}
