import type { MqttClient } from "mqtt";
import { MANAGED_FILES, type TBrokerFiles } from "@/lib/domain/broker-files";
import type { TBrokerDriver, TBrokerEndpoint, TCommandSigner, TProbeFacts } from "./broker-driver";
import { connectAdmin, sendAgentCommand } from "./admin-channel";

// Mosquitto 2.0 with Fleetward's agent: device state travels as rendered password/ACL/PSK/CRL files that the
// agent writes atomically and reloads with SIGHUP (measured far cheaper than dynsec commands; see README).

async function withChannel<T>(ep: TBrokerEndpoint, fn: (c: MqttClient) => Promise<T>): Promise<T> {
  const client = await connectAdmin(ep);
  try {
    return await fn(client);
  } finally {
    await client.endAsync().catch(() => undefined);
  }
}

/** Reads the retained messages once (heartbeat, $SYS facts) within a short window. */
async function readRetained(client: MqttClient, topics: string[], windowMs = 1_500): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const onMessage = (topic: string, payload: Buffer) => seen.set(topic, payload.toString("utf8"));
  client.on("message", onMessage);
  await client.subscribeAsync(topics, { qos: 0 });
  const deadline = Date.now() + windowMs;
  while (Date.now() < deadline && seen.size < topics.length) await new Promise((r) => setTimeout(r, 50));
  client.off("message", onMessage);
  return seen;
}

export function mosquittoDriver(ep: TBrokerEndpoint, sign: TCommandSigner): TBrokerDriver {
  return {
    probe: () =>
      withChannel(ep, async (client) => {
        const reply = await sendAgentCommand(client, ep, sign, { type: "ping" }, 5_000);
        const facts = await readRetained(client, ["$SYS/broker/version", "$SYS/broker/uptime", "$SYS/broker/clients/connected"], 6_000);
        const num = (t: string) => (facts.has(t) ? Number.parseInt(facts.get(t)!, 10) : null);
        return {
          version: facts.get("$SYS/broker/version") ?? null,
          uptimeSeconds: num("$SYS/broker/uptime"),
          connectedClients: num("$SYS/broker/clients/connected"),
          digests: reply.digests ?? {},
          revision: reply.revision ?? "0",
        } satisfies TProbeFacts;
      }),
    apply: (revision: bigint, files: TBrokerFiles) =>
      withChannel(ep, (client) =>
        sendAgentCommand(client, ep, sign, { type: "apply", revision: revision.toString(), files: Object.fromEntries(MANAGED_FILES.map((f) => [f, files[f]])) }, 30_000),
      ),
    kick: (clientId: string) => withChannel(ep, async (client) => void (await sendAgentCommand(client, ep, sign, { type: "kick", clientId }))),
  };
}

