import mqtt, { type MqttClient } from "mqtt";
import { AGENT_TOPICS, type TAgentCommand, type TAgentReply } from "@/lib/domain/agent-command";
import type { TBrokerEndpoint, TCommandSigner } from "./broker-driver";

export type TChannelErrorKind = "tls_verification_failed" | "refused" | "unreachable" | "wrong_admin_identity" | "no_agent" | "agent_error";

/** A failure on the admin channel, classified so the operator is told what to fix. */
export class ChannelError extends Error {
  constructor(readonly kind: TChannelErrorKind, message: string) {
    super(message);
  }
}

const TLS_VERIFY = /CERT|certificate|self[- ]signed|UNABLE_TO_VERIFY|ALTNAME|unable to get local issuer/i;

function classify(e: unknown, ep: TBrokerEndpoint): ChannelError {
  if (e instanceof ChannelError) return e;
  const err = e as NodeJS.ErrnoException & { reason?: string; code?: string | number };
  const where = `${ep.host}:${ep.adminPort}`;
  if (err.code === "ECONNREFUSED") return new ChannelError("refused", `Connection refused by ${where}: is the broker running and is this its admin port?`);
  if (err.code === "ETIMEDOUT" || err.code === "EHOSTUNREACH" || err.code === "ENOTFOUND") return new ChannelError("unreachable", `${where} is unreachable (${err.code}).`);
  if (typeof err.code === "number" && [134, 135, 4, 5].includes(err.code)) {
    return new ChannelError("wrong_admin_identity", `The broker refused Fleetward's admin identity (CONNACK ${err.code}): it does not accept this admin certificate.`);
  }
  if (/alert (unknown ca|bad certificate|certificate unknown|certificate required|decrypt error)|sslv3 alert/i.test(err.message ?? "")) {
    return new ChannelError("wrong_admin_identity", `The broker rejected the admin client certificate during the TLS handshake (${err.message}).`);
  }
  if (TLS_VERIFY.test(String(err.code ?? "")) || TLS_VERIFY.test(err.message ?? "")) {
    return new ChannelError("tls_verification_failed", `TLS verification of ${where} failed: ${err.message} (check the broker CA and the host name in its certificate).`);
  }
  return new ChannelError("unreachable", `Admin channel to ${where} failed: ${err.message ?? String(e)}`);
}

/** `signal`: abandons the connection attempt at once (a stopping worker), as a refusal would. */
/**
 * Turns Nagle's algorithm off on an admin-channel connection (call it on every "connect": a reconnect brings a new
 * socket). Commands, replies and events are small messages each side waits on: with it on, each one waited for the
 * other side's delayed ACK, about 40 ms each way (a plugin batch's round trip measured 92 ms with it, 0.6 ms without).
 */
export function noDelay(client: MqttClient): void {
  (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
}

export async function connectAdmin(ep: TBrokerEndpoint, timeoutMs = 5_000, signal?: AbortSignal): Promise<MqttClient> {
  const client = mqtt.connect(`mqtts://${ep.host}:${ep.adminPort}`, {
    ca: ep.caPem,
    cert: ep.adminCertPem,
    key: ep.adminKeyPem,
    ...({ minVersion: "TLSv1.2" } as object), // passed through to tls.connect
    protocolVersion: 5,
    clientId: `fleetward-${Math.random().toString(36).slice(2, 10)}`,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    clean: true,
  });
  const abandon = () => client.end(true);
  signal?.addEventListener("abort", abandon, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      client.once("connect", () => (noDelay(client), resolve()));
      client.once("error", reject);
      client.once("close", () => reject(new ChannelError("refused", `The broker at ${ep.host}:${ep.adminPort} closed the connection during the handshake.`)));
    });
    return client;
  } catch (e) {
    client.end(true);
    throw classify(e, ep);
  } finally {
    signal?.removeEventListener("abort", abandon);
  }
}

const REPLAY_RETRIES = 3;

/**
 * Sends one signed command to the broker's agent and waits for its reply (QoS 0; the reply is the acknowledgement).
 * Two commands signed at once (a sync and an inspect, from any replica) can reach the agent out of sequence order;
 * it refuses the lower one as a replay without running it, so that one is signed anew and sent again.
 */
export async function sendAgentCommand(
  client: MqttClient,
  ep: TBrokerEndpoint,
  sign: TCommandSigner,
  command: TAgentCommand,
  timeoutMs = 15_000,
): Promise<TAgentReply> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendOnce(client, ep, sign, command, timeoutMs);
    } catch (e) {
      const replayed = e instanceof ChannelError && e.kind === "agent_error" && e.message.includes("refused: replayed");
      if (!replayed || attempt >= REPLAY_RETRIES) throw e;
    }
  }
}

async function sendOnce(client: MqttClient, ep: TBrokerEndpoint, sign: TCommandSigner, command: TAgentCommand, timeoutMs: number): Promise<TAgentReply> {
  const signed = await sign(ep.name, command);
  const replyTopic = AGENT_TOPICS.reply(ep.name);
  // Timer and close handler come first: on a connection the broker just dropped, even SUBSCRIBE never completes.
  return new Promise<TAgentReply>((resolve, reject) => {
    const done = () => (clearTimeout(timer), client.off("message", onMessage), client.off("close", onClose));
    const timer = setTimeout(() => {
      done();
      reject(new ChannelError("no_agent", `No answer from the Fleetward agent of ${ep.name} within ${timeoutMs / 1000} s: is \`fleetward agent\` running beside the broker?`));
    }, timeoutMs);
    function onClose() {
      done();
      reject(new ChannelError("unreachable", `The admin channel to ${ep.name} closed before its agent answered.`));
    }
    function onMessage(topic: string, payload: Buffer) {
      if (topic !== replyTopic) return;
      let reply: TAgentReply;
      try {
        reply = JSON.parse(payload.toString("utf8")) as TAgentReply;
      } catch {
        return;
      }
      if (reply.id !== signed.cmd.id) return;
      done();
      if (reply.ok) resolve(reply);
      else reject(new ChannelError("agent_error", `The agent of ${ep.name} answered: ${reply.error ?? "error"}`));
    }
    if (!client.connected) return onClose();
    client.once("close", onClose);
    client.on("message", onMessage);
    client.subscribe(replyTopic, { qos: 0 }, (err) => {
      if (err) return (done(), reject(classify(err, ep)));
      client.publish(AGENT_TOPICS.command(ep.name), JSON.stringify(signed), { qos: 0 });
    });
  });
}

export { classify as classifyChannelError };
