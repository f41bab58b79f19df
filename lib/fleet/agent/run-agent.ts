import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { AGENT_TOPICS, commandPublicKeys, commandRefusal, openApply, openPluginBatch, type TAgentReply, type TSignedCommand } from "@/lib/domain/agent-command";
import { applyLinePatch, CA_DIR, MANAGED_FILES, type TLinePatch, type TManagedFile, type TPatchableFile } from "@/lib/domain/broker-files";
import { summarizeFiles } from "@/lib/domain/broker-drift";
import { AGENT_LOAD_EVERY_MS, emptyLoad, HOUR_MS, LOAD_TOPICS, readLoadTopic, type TLoadSample } from "@/lib/domain/broker-load";
import { applyLogEvent, parseLogLine, pluginEvent, trackSockets, type TConnectedClient, type TPendingSocket } from "@/lib/domain/broker-log";
import { confPosture, type TConfPosture } from "@/lib/domain/broker-conf-posture";
import { PLUGIN_TOPICS } from "@/lib/domain/agent-topics";
import { agentIdentity } from "@/lib/domain/mosquitto-conf";
import { noDelay } from "../admin-channel";
import type { TAgentConfig } from "./agent-config";
import { loadState, saveState } from "./agent-state";
import { currentDigests, readManaged, syncCaDir, writeAtomic } from "./managed-files";

const HEARTBEAT_MS = 5_000;
const PLUGIN_REPLY_MS = 30_000;
/** The full snapshot of connected clients goes out when it changed, and at least this often. */
const SNAPSHOT_AT_LEAST_MS = 60_000;
const CONF_READ_EVERY_MS = 60_000;

/** The broker's conf and the .conf files of its include_dir, as Mosquitto reads them; null when unreadable. */
function readBrokerConf(file: string): TConfPosture | null {
  try {
    const main = readFileSync(file, "utf8");
    const includeDir = /^\s*include_dir\s+(.+)$/m.exec(main)?.[1]?.trim();
    const included = includeDir
      ? readdirSync(path.resolve(path.dirname(file), includeDir)).filter((f) => f.endsWith(".conf")).sort().map((f) => readFileSync(path.resolve(path.dirname(file), includeDir, f), "utf8"))
      : [];
    return confPosture([main, ...included]);
  } catch (e) {
    log("warn", "broker conf not readable", { file, error: String(e) });
    return null;
  }
}

const parseObject = (text: string): Record<string, unknown> => {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

type TLog = (level: "info" | "warn" | "error", msg: string, extra?: Record<string, unknown>) => void;
const log: TLog = (level, msg, extra) => console.log(JSON.stringify({ at: new Date().toISOString(), level, msg, ...extra }));

/** Runs beside one broker until stopped: takes Fleetward's signed commands, reports heartbeat, clients and load. */
export function runAgent(cfg: TAgentConfig): { stop: () => Promise<void> } {
  // Fleetward's command key(s), read again whenever the file changes: a new key added beside the old one during a
  // rotation is taken without a restart.
  const stamp = () => {
    const st = statSync(cfg.fleetwardPublicKeyFile);
    return `${st.mtimeMs}:${st.size}`;
  };
  let keyFile = { stamp: stamp(), pem: readFileSync(cfg.fleetwardPublicKeyFile, "utf8") };
  const commandKeys = () => {
    try {
      const now = stamp();
      if (now !== keyFile.stamp) {
        keyFile = { stamp: now, pem: readFileSync(cfg.fleetwardPublicKeyFile, "utf8") };
        log("info", "command keys reloaded", { keys: commandPublicKeys(keyFile.pem).length });
      }
    } catch (e) {
      log("warn", "command key file not readable; keeping the keys read before", { error: String(e) });
    }
    return keyFile.pem;
  };
  const tls = { ca: readFileSync(cfg.caFile), cert: readFileSync(cfg.certFile), key: readFileSync(cfg.keyFile) };
  // Announced in every heartbeat: Fleetward encrypts the commands' secrets (password hashes, PSK keys) to it.
  const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(tls.cert.toString("utf8"))?.[0] ?? "";
  const state = loadState(cfg.stateDir);
  const facts: { version?: string; uptime?: number; clients?: number } = {};
  const clients = new Map<string, TConnectedClient>();
  let clientsChanged = true;
  /** Numbers the events, so a view that receives one twice can tell. */
  let eventSeq = 0;
  let snapshotAt = 0;
  const load = emptyLoad();
  const loadHour: TLoadSample[] = [];
  const sockets: TPendingSocket[] = [];
  const topics = {
    cmd: AGENT_TOPICS.command(cfg.broker),
    reply: AGENT_TOPICS.reply(cfg.broker),
    heartbeat: AGENT_TOPICS.heartbeat(cfg.broker),
    clients: AGENT_TOPICS.clients(cfg.broker),
    events: AGENT_TOPICS.events(cfg.broker),
    load: AGENT_TOPICS.load(cfg.broker),
  };
  const client: MqttClient = mqtt.connect(`mqtts://${cfg.host}:${cfg.adminPort}`, {
    ...tls,
    clientId: agentIdentity(cfg.broker),
    protocolVersion: 5,
    reconnectPeriod: 1_000,
    connectTimeout: 5_000,
    will: { topic: topics.heartbeat, payload: Buffer.from(JSON.stringify({ broker: cfg.broker, online: false })), qos: 1, retain: true },
  });

  const publish = (topic: string, body: unknown, retain = false) => client.publish(topic, JSON.stringify(body), { qos: 0, retain });
  const event = (type: string, detail: Record<string, unknown>) => publish(topics.events, { type, at: Date.now(), ...detail });

  function restoreMissing() {
    for (const f of MANAGED_FILES) {
      const applied = state.applied[f];
      if (applied !== undefined && readManaged(cfg.managedDir, f) === null) {
        writeAtomic(cfg.managedDir, f, applied);
        log("warn", "restored a missing managed file", { file: f });
        event("file_restored", { file: f });
        sighup();
      }
    }
    const cas = state.applied["cas.pem"];
    if (cas !== undefined && syncCaDir(cfg.managedDir, cas)) {
      log("warn", "restored the device CA folder", { folder: CA_DIR });
      event("file_restored", { file: CA_DIR });
    }
  }

  function sighup() {
    const pid = Number(readFileSync(cfg.brokerPidFile, "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 1) throw new Error(`no broker pid in ${cfg.brokerPidFile}`);
    process.kill(pid, "SIGHUP");
  }

  let conf: { at: number; posture: TConfPosture | null } | null = null;
  const brokerConf = () => {
    if (!cfg.brokerConfFile) return null;
    if (!conf || Date.now() - conf.at > CONF_READ_EVERY_MS) conf = { at: Date.now(), posture: readBrokerConf(cfg.brokerConfFile) };
    return conf.posture;
  };
  const currentFacts = () => ({ version: facts.version ?? null, uptimeSeconds: facts.uptime ?? null, connectedClients: facts.clients ?? null, conf: brokerConf() });

  function heartbeat() {
    restoreMissing();
    publish(topics.heartbeat, { broker: cfg.broker, online: true, at: Date.now(), revision: state.revision, digests: currentDigests(cfg.managedDir), cert: certPem, ...currentFacts() }, true);
    // Retained: a live view that subscribes gets the latest snapshot, then follows the events.
    if (clientsChanged || Date.now() - snapshotAt > SNAPSHOT_AT_LEAST_MS) {
      publish(topics.clients, { broker: cfg.broker, at: (snapshotAt = Date.now()), clients: [...clients.values()] }, true);
      clientsChanged = false;
    }
  }

  /** An hour of load, retained, so a live view opened now charts the last hour at once. */
  function sampleLoad() {
    const at = Date.now();
    loadHour.push({ at, ...load });
    while (loadHour.length && loadHour[0]!.at <= at - HOUR_MS) loadHour.shift();
    publish(topics.load, { broker: cfg.broker, every: AGENT_LOAD_EVERY_MS, samples: loadHour }, true);
  }

  async function kick(clientId: string) {
    // Mosquitto has no kick command: a connection with the same client id closes the older session.
    const taker = mqtt.connect(`mqtts://${cfg.host}:${cfg.adminPort}`, { ...tls, clientId, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5_000 });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no CONNACK within 5 s")), 5_000);
        taker.once("connect", () => (clearTimeout(timer), resolve()));
        taker.once("error", (e) => (clearTimeout(timer), reject(e)));
        taker.once("close", () => (clearTimeout(timer), reject(new Error("connection closed before CONNACK"))));
      });
    } finally {
      taker.end(true);
    }
  }

  // The plugin answers its batches in the order it takes them: each waiting batch gets the next answer.
  const pluginWaiting: ((reply: Record<string, unknown>) => void)[] = [];
  function handToPlugin(batch: unknown): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the broker plugin did not answer within ${PLUGIN_REPLY_MS / 1000} s`)), PLUGIN_REPLY_MS);
      pluginWaiting.push((r) => (clearTimeout(timer), resolve(r)));
      client.publishAsync(PLUGIN_TOPICS.control, JSON.stringify(batch), { qos: 1 }).catch((e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))));
    });
  }

  async function execute(signed: TSignedCommand): Promise<TAgentReply> {
    const { cmd } = signed;
    const base = { id: cmd.id, at: Date.now() };
    if (cmd.type === "plugin") {
      if (cfg.enforcement !== "plugin") throw new Error("this broker enforces with files: it has no plugin to hand a batch to");
      const answer = await handToPlugin(openPluginBatch(cmd, certPem, tls.key.toString("utf8")));
      if (answer.ok !== true) return { ...base, ok: false, error: `the broker plugin refused the batch: ${String(answer.error)}`, plugin: answer };
      log("info", "plugin batch applied", { id: cmd.id, revision: answer.revision, applied: answer.applied });
      return { ...base, ok: true, plugin: answer, facts: currentFacts() };
    }
    if (cmd.type === "apply") {
      const parts = openApply(cmd, certPem, tls.key.toString("utf8"));
      const written: Partial<Record<TManagedFile, string>> = { ...parts.files };
      for (const [name, patch] of Object.entries(parts.patches) as [TPatchableFile, TLinePatch][]) {
        const next = applyLinePatch(readManaged(cfg.managedDir, name) ?? "", patch);
        if (next === null) log("warn", "a patch did not fit the file on disk; its digest will say so", { file: name });
        else written[name] = next;
      }
      for (const [name, content] of Object.entries(written) as [TManagedFile, string][]) writeAtomic(cfg.managedDir, name, content);
      if (written["cas.pem"] !== undefined) syncCaDir(cfg.managedDir, written["cas.pem"]);
      state.applied = { ...state.applied, ...written };
      state.revision = cmd.revision;
      saveState(cfg.stateDir, state, Object.keys(written) as TManagedFile[]);
      if (Object.keys(written).length > 0) sighup(); // nothing changed: no reload, no stall
      log("info", "applied", { id: cmd.id, revision: cmd.revision, files: Object.keys(parts.files), patched: Object.keys(written).filter((f) => !(f in parts.files)) });
      return { ...base, ok: true, revision: state.revision, digests: currentDigests(cfg.managedDir, written), facts: currentFacts() };
    } else if (cmd.type === "kick") {
      let next = 0;
      const failed: string[] = [];
      await Promise.all(Array.from({ length: Math.min(20, cmd.clientIds.length) }, async () => {
        while (next < cmd.clientIds.length) {
          const clientId = cmd.clientIds[next++]!;
          await kick(clientId).then(() => event("kick", { clientId }), (e: unknown) => (failed.push(clientId), log("warn", "kick failed", { clientId, error: String(e) })));
        }
      }));
      if (failed.length) throw new Error(`could not close the sessions of ${failed.slice(0, 5).join(", ")}${failed.length > 5 ? ` and ${failed.length - 5} more` : ""}`);
    } else if (cmd.type === "inspect") {
      const files = Object.fromEntries(MANAGED_FILES.map((f) => [f, readManaged(cfg.managedDir, f)]));
      return { ...base, ok: true, revision: state.revision, digests: currentDigests(cfg.managedDir), summaries: summarizeFiles(files) };
    }
    return { ...base, ok: true, revision: state.revision, digests: currentDigests(cfg.managedDir), facts: currentFacts() };
  }

  async function onCommand(payload: Buffer) {
    let input: unknown;
    try {
      input = JSON.parse(payload.toString("utf8"));
    } catch {
      input = null;
    }
    const refusal = commandRefusal(input, { publicKeyPem: commandKeys(), broker: cfg.broker, lastSeq: BigInt(state.lastSeq), now: Date.now() });
    const id = typeof (input as TSignedCommand | null)?.cmd?.id === "string" ? (input as TSignedCommand).cmd.id.slice(0, 64) : "unknown";
    if (refusal) {
      log("warn", "refused a command", { id, reason: refusal });
      event("command_refused", { id, reason: refusal });
      publish(topics.reply, { id, ok: false, error: `refused: ${refusal}`, at: Date.now() } satisfies TAgentReply);
      return;
    }
    const signed = input as TSignedCommand;
    state.lastSeq = signed.cmd.seq; // remembered before running: a crash mid-command cannot reopen it to replay
    saveState(cfg.stateDir, state);
    const reply = await execute(signed).catch((e: unknown): TAgentReply => {
      log("error", "command failed", { id, error: String(e) });
      return { id, ok: false, error: e instanceof Error ? e.message : String(e), at: Date.now() };
    });
    publish(topics.reply, reply);
    heartbeat();
  }

  client.on("connect", () => {
    noDelay(client);
    log("info", "connected to broker", { broker: cfg.broker });
    // Connections are logged as notices, refused TLS handshakes as errors.
    client.subscribe([topics.cmd, "$SYS/broker/version", "$SYS/broker/uptime", "$SYS/broker/log/N", "$SYS/broker/log/E", ...Object.keys(LOAD_TOPICS)], { qos: 0 });
    if (cfg.enforcement === "plugin") client.subscribe([PLUGIN_TOPICS.response, PLUGIN_TOPICS.events], { qos: 1 });
    clientsChanged = true;
    heartbeat();
    // The first sample once the broker's $SYS values (every 5 s) have come in.
    if (!loadHour.length) setTimeout(() => client.connected && !loadHour.length && sampleLoad(), 6_000);
  });
  client.on("error", (e) => log("error", "broker connection error", { error: e.message }));
  client.on("message", (topic, payload) => {
    if (topic === topics.cmd) return void onCommand(payload);
    const text = payload.toString("utf8");
    if (topic === "$SYS/broker/version") facts.version = text;
    else if (topic === "$SYS/broker/uptime") facts.uptime = Number.parseInt(text, 10);
    else if (readLoadTopic(load, topic, text)) facts.clients = load.clients;
    else if (topic === PLUGIN_TOPICS.response) pluginWaiting.shift()?.(parseObject(text));
    else if (topic === PLUGIN_TOPICS.events) {
      // From the plugin itself: exact client ids, usernames and addresses.
      const e = pluginEvent(parseObject(text));
      const changed = e ? applyLogEvent(clients, e, Date.now()) : false;
      clientsChanged ||= changed;
      if (e) publish(topics.events, { ...e, at: Date.now(), seq: ++eventSeq });
    } else if (topic === "$SYS/broker/log/N" || topic === "$SYS/broker/log/E") {
      const parsed = parseLogLine(text);
      // With the plugin, the log tells only what the plugin cannot see: a TLS handshake that failed.
      if (cfg.enforcement === "plugin" && !(parsed?.kind === "refused" && parsed.tls)) return;
      const e = parsed && trackSockets(sockets, parsed, Date.now());
      // Changes to who is connected, and refusals (with the address they came from) for the failed-attempts view.
      const changed = e ? applyLogEvent(clients, e, Date.now()) : false;
      clientsChanged ||= changed;
      if (e && (changed || e.kind === "refused")) publish(topics.events, { ...e, at: Date.now(), seq: ++eventSeq });
    }
  });
  const timer = setInterval(() => client.connected && heartbeat(), HEARTBEAT_MS);
  const sampler = setInterval(() => client.connected && sampleLoad(), AGENT_LOAD_EVERY_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      clearInterval(sampler);
      await client.endAsync();
    },
  };
}
