import type { MqttClient } from "mqtt";
import { AGENT_TOPICS } from "@/lib/domain/agent-command";
import { MANAGED_FILES, type TManagedFile } from "@/lib/domain/broker-files";
import type { TBrokerDriver, TBrokerEndpoint, TCommandSigner, TProbeFacts } from "./broker-driver";
import { connectAdmin, sendAgentCommand } from "./admin-channel";

// Mosquitto 2.0 with Fleetward's agent: device state travels as rendered password/ACL/PSK/CRL files that the
// agent writes atomically and reloads with SIGHUP (measured far cheaper than dynsec commands; see README).

async function withChannel<T>(ep: TBrokerEndpoint, fn: (c: MqttClient) => Promise<T>): Promise<T> {
  const client = await connectAdmin(ep);
  try {
    return await fn(client);
  } finally {
    // A graceful end never settles on a connection the broker already dropped: bound it, then force.
    await Promise.race([client.endAsync().catch(() => undefined), new Promise((r) => setTimeout(r, 2_000))]);
    client.end(true);
  }
}

export function mosquittoDriver(ep: TBrokerEndpoint, sign: TCommandSigner): TBrokerDriver {
  return {
    probe: () =>
      withChannel(ep, async (client) => {
        const reply = await sendAgentCommand(client, ep, sign, { type: "ping" }, 5_000);
        return {
          version: reply.facts?.version ?? null,
          uptimeSeconds: reply.facts?.uptimeSeconds ?? null,
          connectedClients: reply.facts?.connectedClients ?? null,
          digests: reply.digests ?? {},
          revision: reply.revision ?? "0",
        } satisfies TProbeFacts;
      }),
    apply: (revision, files, patches) =>
      withChannel(ep, (client) => sendAgentCommand(client, ep, sign, { type: "apply", revision: revision.toString(), files, ...(patches ? { patches } : {}) }, 20_000)),
    inspect: () =>
      withChannel(ep, async (client) => {
        const reply = await sendAgentCommand(client, ep, sign, { type: "inspect" });
        return Object.fromEntries(MANAGED_FILES.map((f) => [f, reply.summaries?.[f] ?? []])) as Record<TManagedFile, string[]>;
      }),
    kick: (clientIds: string[]) => withChannel(ep, async (client) => void (await sendAgentCommand(client, ep, sign, { type: "kick", clientIds }, 20_000))),
    connectedClientIds: () =>
      withChannel(ep, async (client) => {
        const topic = AGENT_TOPICS.clients(ep.name);
        const snapshot = new Promise<string[] | null>((resolve) => {
          setTimeout(() => resolve(null), 2_000);
          client.on("message", (t, payload) => {
            if (t !== topic) return;
            try {
              const clients = (JSON.parse(payload.toString()) as { clients?: { clientId?: unknown }[] }).clients ?? [];
              resolve(clients.map((c) => c.clientId).filter((c): c is string => typeof c === "string"));
            } catch {
              resolve(null);
            }
          });
        });
        await client.subscribeAsync(topic, { qos: 0 });
        return snapshot;
      }),
  };
}

