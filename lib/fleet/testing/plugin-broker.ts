// A real Mosquitto enforcing with Fleetward's plugin, configured as Fleetward renders it (renderMosquittoConf with
// the plugin) and loaded in its AddressSanitizer and UBSan build, so that a memory error or undefined behaviour in
// the plugin stops the broker and fails the test. The agent's identity sends it command batches on the admin
// listener, as the agent does.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { PLUGIN_TOPICS } from "@/lib/domain/agent-topics";
import { agentIdentity, LISTENERS, renderAdminAcl, renderMosquittoConf, type TBrokerPorts } from "@/lib/domain/mosquitto-conf";
import { createCa, createCrl, issueCertificate, type TIssued } from "@/lib/server/pki/x509";
import { noDelay } from "../admin-channel";
import { syncCaDir } from "../agent/managed-files";
import { alive, mosquittoUser, PLUGIN_SO, reservePorts, stopPids, waitForPort } from "../local-fleet";

const PLUGIN_ASAN_SO = path.join(path.dirname(PLUGIN_SO), "fleetward-asan.so");
const EVENTS_TOPIC = PLUGIN_TOPICS.events;

/** The plugin's answer to a batch (broker-plugin/src/commands.c). */
export type TPluginReply = { revision: number | null; ok: boolean; error?: string; applied?: number; stage?: string; state: number; digest: string; clients: number };

export type TPluginBroker = {
  name: string;
  dir: string;
  ports: TBrokerPorts;
  /** The fleet CA (it issued the server certificate; device certificates come from it too). */
  ca: TIssued;
  /** Fleetward's service CA, the admin listener's only trust, and the agent identity it issued. */
  service: TIssued;
  agent: TIssued;
  pid: number;
  /** Every event the plugin has published (logins accepted and refused, disconnects), oldest first. */
  events: Record<string, unknown>[];
  /** The first event (already seen or still to come) that passes `test`. */
  nextEvent: (test: (e: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>>;
  /** A device connection to the password listener (its client id is its username there). */
  connect: (username: string, password: string) => Promise<MqttClient>;
  /** Sends one batch (an object, or the raw bytes that go on the wire) and waits for the plugin's reply to it. */
  command: (batch: unknown) => Promise<TPluginReply>;
  /** Stops the broker and starts it again on the same folder and ports, as a restart without Fleetward would. */
  restart: () => Promise<void>;
  /** The broker's log so far (its stderr: Mosquitto's lines and any sanitizer report). */
  log: () => string;
  /** Stops the broker; what the sanitizers reported about the plugin (errors, and leaks of its own memory). */
  stop: () => Promise<string[]>;
};

function libasan(): string {
  return execFileSync("gcc", ["-print-file-name=libasan.so"], { encoding: "utf8" }).trim();
}

/** Sanitizer reports in a log that concern the plugin: any error, and leak blocks allocated from its code. */
export function sanitizerProblems(log: string): string[] {
  const out: string[] = [];
  for (const m of log.matchAll(/^.*(?:ERROR: AddressSanitizer|runtime error:).*$/gm)) out.push(m[0]);
  for (const block of log.split(/\n(?=(?:Direct|Indirect) leak of )/)) {
    if (/^(Direct|Indirect) leak of/.test(block) && block.split("\n\n")[0]!.includes("fleetward-asan.so")) out.push(block.split("\n\n")[0]!);
  }
  return out;
}

/**
 * `agentLink: false`: the harness does not connect as the agent (a real agent runs, with the files the harness wrote:
 * agent.crt, agent.key); `command` is then unavailable.
 */
export async function startPluginBroker(o: { sanitized?: boolean; agentLink?: boolean } = {}): Promise<TPluginBroker> {
  const sanitized = o.sanitized ?? true;
  const agentLink = o.agentLink ?? true;
  const so = sanitized ? PLUGIN_ASAN_SO : PLUGIN_SO;
  if (!existsSync(so)) throw new Error(`${so} is not built: run npm run build:plugin`);
  const name = "plugin-test";
  const dir = mkdtempSync(path.join(os.tmpdir(), "fleetward-plugin-"));
  chmodSync(dir, 0o755); // the broker drops to user mosquitto
  const ca = await createCa("Plugin test fleet CA", 2);
  const service = await createCa("Plugin test service CA", 2);
  const server = await issueCertificate({ ca, commonName: "localhost", usage: "server", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], days: 2 });
  const agent = await issueCertificate({ ca: service, commonName: agentIdentity(name), usage: "client", days: 2 });
  const list = await reservePorts(LISTENERS.length);
  const ports = Object.fromEntries(LISTENERS.map((l, i) => [l, list[i]!])) as TBrokerPorts;
  const f = (p: string) => path.join(dir, p);
  mkdirSync(f("managed"), { mode: 0o755 });
  const write = (p: string, text: string) => writeFileSync(f(p), text, { mode: 0o644 });
  write("ca.crt", ca.certPem);
  write("service-ca.crt", service.certPem);
  write("server.crt", server.certPem);
  write("server.key", server.keyPem);
  write("agent.crt", agent.certPem);
  writeFileSync(f("agent.key"), agent.keyPem, { mode: 0o600 });
  write("admin.acl", renderAdminAcl(name));
  syncCaDir(f("managed"), ca.certPem);
  write("managed/crl.pem", await createCrl(ca, []));
  mkdirSync(f("state"), { mode: 0o700 });
  const owner = mosquittoUser();
  if (owner) chownSync(f("state"), owner.uid, owner.gid); // the broker writes it after dropping to user mosquitto
  write("mosquitto.conf", renderMosquittoConf({ bind: "127.0.0.1", ports, caFile: f("ca.crt"), adminCaFile: f("service-ca.crt"), certFile: f("server.crt"), keyFile: f("server.key"), adminAclFile: f("admin.acl"), managedDir: f("managed"), plugin: { file: so, broker: name, stateDir: f("state") } }));
  const logFile = f("mosquitto.log");
  const env = sanitized ? { ...process.env, LD_PRELOAD: libasan(), ASAN_OPTIONS: "detect_leaks=1:abort_on_error=0:halt_on_error=1", UBSAN_OPTIONS: "print_stacktrace=1:halt_on_error=1" } : process.env;

  let pid = 0;
  let link: MqttClient | undefined;
  const waiting: { resolve: (r: TPluginReply) => void; reject: (e: Error) => void }[] = [];
  const events: Record<string, unknown>[] = [];
  const watchers: { test: (e: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }[] = [];
  const logTail = () => readFileSync(logFile, "utf8").slice(-4000);
  const launch = async () => {
    const fd = openSync(logFile, "a");
    const child = spawn("mosquitto", ["-c", f("mosquitto.conf")], { stdio: ["ignore", fd, fd], env });
    closeSync(fd);
    pid = child.pid!;
    for (const l of LISTENERS) await waitForPort(ports[l], pid, "the plugin broker", logFile, 20_000);
    writeFileSync(f("broker.pid"), String(pid));
    if (!agentLink) return;
    const c = await mqtt.connectAsync(`mqtts://127.0.0.1:${ports.admin}`, { ca: ca.certPem, cert: agent.certPem, key: agent.keyPem, clientId: agentIdentity(name), protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 10_000 });
    noDelay(c);
    c.on("message", (topic, payload) => {
      const body = JSON.parse(payload.toString()) as Record<string, unknown>;
      if (topic === EVENTS_TOPIC) {
        events.push(body);
        for (const w of watchers.filter((x) => x.test(body))) {
          watchers.splice(watchers.indexOf(w), 1);
          w.resolve(body);
        }
      } else waiting.shift()?.resolve(body as TPluginReply);
    });
    c.on("close", () => {
      const e = new Error(`the admin connection closed:\n${logTail()}`);
      for (const w of waiting.splice(0)) w.reject(e);
    });
    await c.subscribeAsync([PLUGIN_TOPICS.response, EVENTS_TOPIC], { qos: 1 });
    link = c;
  };
  const halt = async () => {
    await link?.endAsync(true).catch(() => undefined);
    await stopPids([pid], 10_000);
  };
  await launch();
  // One batch at a time: a reply answers the oldest batch still waiting.
  let chain: Promise<unknown> = Promise.resolve();
  const command = (batch: unknown) => {
    const next = chain.then(
      () =>
        new Promise<TPluginReply>((resolve, reject) => {
          if (!alive(pid) || !link?.connected) return reject(new Error(`the plugin broker is gone:\n${logTail()}`));
          waiting.push({ resolve, reject });
          link.publishAsync(PLUGIN_TOPICS.control, typeof batch === "string" || Buffer.isBuffer(batch) ? batch : JSON.stringify(batch), { qos: 1 }).catch(reject);
        }),
    );
    chain = next.catch(() => undefined);
    return next;
  };
  return {
    name,
    dir,
    ports,
    ca,
    service,
    agent,
    get pid() {
      return pid;
    },
    command,
    events,
    nextEvent: (test) => {
      const seen = events.find(test);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => watchers.push({ test, resolve }));
    },
    restart: async () => {
      await halt();
      await launch();
    },
    connect: (username, password) => mqtt.connectAsync(`mqtts://127.0.0.1:${ports.tlsPassword}`, { ca: ca.certPem, username, password, clientId: username, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 10_000 }),
    log: () => readFileSync(logFile, "utf8"),
    stop: async () => {
      await halt();
      return sanitizerProblems(readFileSync(logFile, "utf8"));
    },
  };
}
