import "server-only";
import { hash } from "node:crypto";
import type { MqttClient } from "mqtt";
import { AGENT_TOPICS } from "@/lib/domain/agent-command";
import { reportBroker } from "@/lib/domain/agent-topics";
import { connectAdmin } from "@/lib/fleet/admin-channel";
import { db } from "../db";
import { endpointOf } from "../services/brokers/broker-driver-for";
import { recordHeartbeat, type THeartbeat } from "../services/brokers/record-heartbeat";
import { ingestSecurityEvents, type TAgentEvent } from "../services/security/ingest-security-events";

const REFRESH_MS = 5_000;
/** Security events are stored in batches: at most this long after they came, or this many at once. */
const FLUSH_MS = 250;
const FLUSH_AT = 1_000;
/** Events held while they cannot be stored (Postgres restarting): retried this often, at most this many per broker. */
const RETRY_FLUSH_MS = 2_000;
const MAX_PENDING = 100_000;

/**
 * Keeps one admin connection per registered broker: records its agent's heartbeats, and stores its connection
 * events as security events (running the detection rules on them).
 */
export function startBrokerMonitor(log: (msg: string) => void): { stop: () => Promise<void> } {
  const connections = new Map<string, { client: MqttClient | null; key: string }>();
  let stopped = false;
  const pending = new Map<string, TAgentEvent[]>();
  let flushing: Promise<void> | null = null;

  async function flush() {
    const batch = [...pending];
    pending.clear();
    for (const [broker, events] of batch) {
      try {
        await ingestSecurityEvents(broker, events);
      } catch (e) {
        // Postgres away for a moment: keep them (the newest, up to a bound) and try again with the next flush.
        const kept = [...events, ...(pending.get(broker) ?? [])].slice(-MAX_PENDING);
        pending.set(broker, kept);
        log(`${events.length} security event(s) of ${broker} not stored yet (${kept.length} kept to retry): ${e instanceof Error ? e.message.split("\n").filter(Boolean).at(-1) : String(e)}`);
        setTimeout(flushSoon, RETRY_FLUSH_MS).unref();
      }
    }
  }
  const flushSoon = () => {
    flushing ??= new Promise<void>((r) => setTimeout(r, FLUSH_MS)).then(flush).finally(() => (flushing = null));
  };
  function queueEvent(broker: string, event: TAgentEvent) {
    const list = pending.get(broker) ?? [];
    pending.set(broker, list);
    list.push(event);
    if (list.length >= FLUSH_AT && !flushing) void flush();
    else flushSoon();
  }

  async function watch(id: string, key: string) {
    const b = await db.broker.findUnique({ where: { id } });
    if (!b || stopped) return;
    const entry = { client: null as MqttClient | null, key };
    connections.set(id, entry);
    try {
      const client = await connectAdmin(endpointOf(b));
      entry.client = client;
      const events = AGENT_TOPICS.events(b.name);
      const heartbeat = AGENT_TOPICS.heartbeat(b.name);
      let firstHeartbeat = true;
      // A report is this broker's because it came on this broker's topic: a body naming another broker is refused.
      client.on("message", (topic, payload) => {
        try {
          const body = JSON.parse(payload.toString("utf8")) as unknown;
          if (topic === events) queueEvent(b.name, body as TAgentEvent);
          else if (topic === heartbeat) {
            const whose = reportBroker(topic, "heartbeat", body);
            if ("refused" in whose || whose.broker !== b.name) return log(`heartbeat ignored: ${"refused" in whose ? whose.refused : topic}`);
            void recordHeartbeat(b.name, body as THeartbeat, { reconnected: firstHeartbeat }).catch((e: unknown) => log(`heartbeat of ${b.name} not stored: ${String(e)}`));
            firstHeartbeat = false;
          }
        } catch {
          /* a malformed message is ignored */
        }
      });
      client.on("close", () => connections.get(id) === entry && connections.delete(id));
      await client.subscribeAsync([heartbeat, events], { qos: 0 });
    } catch (e) {
      connections.delete(id);
      log(`cannot watch ${b.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async function refresh() {
    const brokers = await db.broker.findMany({ select: { id: true, host: true, ports: true, adminCertPem: true } });
    // A moved broker or a rotated admin identity means a new connection: the old certificate is on its way out.
    const wanted = new Map(brokers.map((b) => [b.id, `${b.host}|${JSON.stringify(b.ports)}|${hash("sha256", b.adminCertPem, "hex")}`]));
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
      await flushing;
      await flush();
      await Promise.all([...connections.values()].map((c) => c.client?.endAsync(true).catch(() => undefined)));
    },
  };
}
