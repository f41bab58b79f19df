// The agent beside a broker that enforces with Fleetward's plugin: it takes Fleetward's signed plugin commands,
// opens their sealed secrets, hands the batch to the plugin and answers with the plugin's reply; it reports the
// plugin's login events as its own events. Fleetward's side is played by its admin identity.
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_TOPICS, sealPluginBatch, signCommand, type TAgentReply, type TPluginBatch } from "@/lib/domain/agent-command";
import { ADMIN_IDENTITY } from "@/lib/domain/mosquitto-conf";
import { mosquittoPasswordHash } from "@/lib/domain/mosquitto-password";
import { issueCertificate } from "@/lib/server/pki/x509";
import { runAgent } from "./agent/run-agent";
import { startPluginBroker, type TPluginBroker } from "./testing/plugin-broker";

let broker: TPluginBroker;
let agent: { stop: () => Promise<void> };
let fleetward: MqttClient;
const signing = generateKeyPairSync("ed25519");
const signingKey = signing.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const replies = new Map<string, (r: TAgentReply) => void>();
const events: Record<string, unknown>[] = [];
let seq = 0;

beforeAll(async () => {
  broker = await startPluginBroker({ agentLink: false });
  const f = (p: string) => path.join(broker.dir, p);
  writeFileSync(f("fleetward-command.pub"), signing.publicKey.export({ type: "spki", format: "pem" }).toString());
  agent = runAgent({ broker: broker.name, host: "127.0.0.1", adminPort: broker.ports.admin, caFile: f("ca.crt"), certFile: f("agent.crt"), keyFile: f("agent.key"), managedDir: f("managed"), stateDir: f("agent-state"), brokerPidFile: f("broker.pid"), fleetwardPublicKeyFile: f("fleetward-command.pub"), enforcement: "plugin" });
  const admin = await issueCertificate({ ca: broker.service, commonName: ADMIN_IDENTITY, usage: "client", days: 2 });
  fleetward = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker.ports.admin}`, { ca: broker.ca.certPem, cert: admin.certPem, key: admin.keyPem, clientId: ADMIN_IDENTITY, protocolVersion: 5, reconnectPeriod: 0 });
  const heartbeat = new Promise<void>((resolve) =>
    fleetward.on("message", (topic, payload) => {
      const body = JSON.parse(payload.toString()) as Record<string, unknown>;
      if (topic === AGENT_TOPICS.heartbeat(broker.name) && body.online === true) resolve();
      else if (topic === AGENT_TOPICS.reply(broker.name)) replies.get(String(body.id))?.(body as TAgentReply);
      else if (topic === AGENT_TOPICS.events(broker.name)) events.push(body);
    }),
  );
  await fleetward.subscribeAsync([AGENT_TOPICS.heartbeat(broker.name), AGENT_TOPICS.reply(broker.name), AGENT_TOPICS.events(broker.name)], { qos: 1 });
  await heartbeat; // the agent is connected and subscribed to its commands
}, 60_000);

afterAll(async () => {
  await fleetward?.endAsync(true);
  await agent?.stop();
  expect(await broker.stop(), "sanitizer reports about the plugin").toEqual([]);
}, 30_000);

/** Sends a signed plugin command as Fleetward does and waits for the agent's reply to it. */
function send(batch: TPluginBatch, seal = true): Promise<TAgentReply> {
  const id = `cmd-${++seq}`;
  const body = seal ? sealPluginBatch(batch, broker.agent.certPem) : { batch };
  const signed = signCommand({ type: "plugin", id, seq: String(seq), issuedAt: Date.now(), broker: broker.name, ...body }, signingKey);
  const reply = new Promise<TAgentReply>((resolve) => replies.set(id, resolve));
  fleetward.publish(AGENT_TOPICS.command(broker.name), JSON.stringify(signed), { qos: 1 });
  return reply;
}

const until = async (test: (e: Record<string, unknown>) => boolean) => {
  while (!events.some(test)) await new Promise((r) => fleetward.once("message", r));
  return events.find(test)!;
};

describe("the agent with the broker plugin", () => {
  it("hands a signed batch to the plugin, its secrets sealed all the way, and answers with the plugin's reply", async () => {
    const id = `ag-${randomBytes(3).toString("hex")}`;
    const password = randomBytes(12).toString("base64url");
    const reply = await send({
      revision: 1,
      ops: [
        { op: "upsertRole", rolename: "own", acls: [{ acltype: "publishClientSend", topic: "devices/${clientId}/#", allow: true }] },
        { op: "upsertClient", username: id, clientid: id, credential: "password", secret: await mosquittoPasswordHash(password), roles: [{ rolename: "own" }] },
      ],
    });
    expect(reply).toMatchObject({ ok: true, plugin: { ok: true, revision: 1, applied: 2, clients: 1 } });
    const r = spawnSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(broker.ports.tlsPassword), "--cafile", path.join(broker.dir, "ca.crt"), "-V", "mqttv5", "-q", "1", "-u", id, "-P", password, "-t", `devices/${id}/t`, "-m", "x"], { encoding: "utf8" });
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/error|failed/i);
    // The plugin's own report of the login, passed on by the agent as its event.
    expect(await until((e) => e.kind === "connect" && e.clientId === id)).toMatchObject({ username: id, ip: "127.0.0.1", listener: "password", port: null });
  });

  it("refuses a batch whose secrets come in the clear, and passes on the plugin's refusal of a bad one", async () => {
    const clear = await send({ revision: 2, ops: [{ op: "upsertClient", username: "x", clientid: "x", credential: "psk", secret: "ab".repeat(16) }] }, false);
    expect(clear).toMatchObject({ ok: false, error: "refused: a plugin batch's secrets must come encrypted to this agent" });
    const bad = await send({ revision: 2, ops: [{ op: "upsertRole", rolename: "r", acls: [{ acltype: "everything", topic: "#" }] }] });
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/^the broker plugin refused the batch: ops\[0\]\.acls\[0\]\.acltype: must be one of/);
  });
});
