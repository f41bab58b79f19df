import type { MqttClient } from "mqtt";
import { AGENT_TOPICS, sealApply, sealPluginBatch, type TAgentReply } from "@/lib/domain/agent-command";
import { reportBroker } from "@/lib/domain/agent-topics";
import { MANAGED_FILES, SECRET_FILES, type TBrokerFiles, type TLinePatch, type TManagedFile, type TPatchableFile } from "@/lib/domain/broker-files";
import type { TAgentCertCheck, TBrokerDriver, TBrokerEndpoint, TCommandSigner, TProbeFacts } from "./broker-driver";
import { ChannelError, connectAdmin, sendAgentCommand } from "./admin-channel";

// Mosquitto 2.0 with Fleetward's agent: device state travels as rendered password/ACL/PSK/CRL files that the
// agent writes atomically and reloads with SIGHUP (measured far cheaper than dynsec commands; see README).

/** How long to wait for the agent's retained heartbeat before saying it is not there. */
const AGENT_PRESENT_MS = 3_000;

/**
 * The agent keeps a retained heartbeat on its broker (and leaves "offline" as its will): without one saying online,
 * a command would go to no one and be waited for in vain. Just after a broker restarts, before its agent is back,
 * this fails at once and the sync is retried, rather than waiting out the command's timeout.
 */
type THeartbeat = { online?: unknown; cert?: unknown };

async function agentPresent(client: MqttClient, ep: TBrokerEndpoint): Promise<THeartbeat> {
  const topic = AGENT_TOPICS.heartbeat(ep.name);
  const online = new Promise<THeartbeat | null>((resolve) => {
    const timer = setTimeout(() => (client.off("message", onMessage), resolve(null)), AGENT_PRESENT_MS);
    function onMessage(t: string, payload: Buffer) {
      if (t !== topic) return;
      clearTimeout(timer);
      client.off("message", onMessage);
      try {
        const beat = JSON.parse(payload.toString("utf8")) as THeartbeat | null;
        // The topic says whose heartbeat it is; one whose body names another broker is not this agent's.
        resolve(beat?.online === true && "broker" in reportBroker(t, "heartbeat", beat) ? beat : null);
      } catch {
        resolve(null);
      }
    }
    client.on("message", onMessage);
    // A connection closed meanwhile (a stop cancelling the sync) brings no heartbeat: say so now, not in 3 s.
    client.once("close", () => (clearTimeout(timer), client.off("message", onMessage), resolve(null)));
  });
  await client.subscribeAsync(topic, { qos: 0 });
  const beat = await online;
  await client.unsubscribeAsync(topic).catch(() => undefined);
  if (!beat) throw new ChannelError("no_agent", `The Fleetward agent of ${ep.name} is not connected to its broker: is \`fleetward agent\` running beside it?`);
  return beat;
}

/** A stop cancelling the sync ends its connection: whatever waits on it (a reply, the agent's heartbeat) fails at once. */
async function withChannelOf<T>(ep: TBrokerEndpoint, fn: (c: MqttClient, heartbeat: THeartbeat) => Promise<T>, signal?: AbortSignal): Promise<T> {
  signal?.throwIfAborted();
  const client = await connectAdmin(ep, undefined, signal);
  const cut = () => client.end(true);
  signal?.addEventListener("abort", cut, { once: true });
  try {
    signal?.throwIfAborted();
    const heartbeat = await agentPresent(client, ep);
    return await fn(client, heartbeat);
  } finally {
    signal?.removeEventListener("abort", cut);
    // A graceful end never settles on a connection the broker already dropped: bound it, then force.
    let timer: NodeJS.Timeout | undefined;
    if (!signal?.aborted) await Promise.race([client.endAsync().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, 2_000)))]);
    clearTimeout(timer);
    client.end(true);
  }
}

type TParts = { files: Partial<TBrokerFiles>; patches: Partial<Record<TPatchableFile, TLinePatch>> };

/**
 * An apply's files as they go on the bus: those holding secrets sealed to the certificate the agent announces in its
 * heartbeat, once `checkCert` has found it to be this broker's agent from a CA for Fleetward's own identities.
 * Without such a certificate the secrets are not sent at all.
 */
async function sealedParts(ep: TBrokerEndpoint, heartbeat: THeartbeat, parts: TParts, checkCert: TAgentCertCheck | undefined) {
  const secret = Object.keys(parts.patches).length > 0 || SECRET_FILES.some((f) => parts.files[f] !== undefined);
  if (!secret) return { files: parts.files };
  return sealApply(parts, await trustedAgentCert(ep, heartbeat, checkCert));
}

/** The certificate the agent announces, once `checkCert` has found it to be this broker's agent (see sealedParts). */
async function trustedAgentCert(ep: TBrokerEndpoint, heartbeat: THeartbeat, checkCert: TAgentCertCheck | undefined): Promise<string> {
  const cert = typeof heartbeat.cert === "string" && heartbeat.cert ? heartbeat.cert : null;
  if (!cert) throw new ChannelError("agent_error", `The agent of ${ep.name} announces no certificate to encrypt the broker's secrets to: update \`fleetward agent\` beside it.`);
  const problem = checkCert ? await checkCert(cert) : "no check of agent certificates was given";
  if (problem) throw new ChannelError("agent_error", `Fleetward will not send the broker's secrets to the agent of ${ep.name}: its certificate ${problem}.`);
  return cert;
}

/** `checkAgentCert`: needed for applies that carry secrets (see sealedParts). */
/** `signal`: cancels what the driver is waiting on (a worker stopping). */
export function mosquittoDriver(ep: TBrokerEndpoint, sign: TCommandSigner, checkAgentCert?: TAgentCertCheck, signal?: AbortSignal): TBrokerDriver {
  const withChannel = <T>(e: TBrokerEndpoint, fn: (c: MqttClient, heartbeat: THeartbeat) => Promise<T>) => withChannelOf(e, fn, signal);
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
      withChannel(ep, async (client, heartbeat) => {
        const parts = await sealedParts(ep, heartbeat, { files, patches: patches ?? {} }, checkAgentCert);
        return sendAgentCommand(client, ep, sign, { type: "apply", revision: revision.toString(), ...parts }, 20_000);
      }),
    plugin: (batches) =>
      withChannel(ep, async (client, heartbeat) => {
        const cert = await trustedAgentCert(ep, heartbeat, checkAgentCert);
        let reply: TAgentReply | undefined;
        // The parts of a full resync one after another on one connection: the plugin swaps them in with the last.
        for (const batch of batches) {
          reply = await sendAgentCommand(client, ep, sign, { type: "plugin", ...sealPluginBatch(batch, cert) }, 60_000);
          if (!reply.ok) throw new ChannelError("agent_error", `${ep.name}: ${reply.error ?? "the broker plugin refused a batch"}`);
        }
        return reply!;
      }),
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

