// A throwaway Mosquitto for ACL differential tests: one TLS listener on loopback, either with the dynamic
// security plugin loaded from a hand-written config (clients, groups, roles, default access) or with a
// password_file and an acl_file that can be rewritten and reloaded (SIGHUP).
import { spawn } from "node:child_process";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import type { TDefaultAccess, TRole, TRoleRef } from "@/lib/domain/acl/dynsec";
import { mosquittoPasswordHash } from "@/lib/domain/mosquitto-password";
import { createCa, issueCertificate } from "@/lib/server/pki/x509";
import { reservePorts, stopPids, waitForPort } from "../local-fleet";
import { startPluginBroker } from "./plugin-broker";

export type TDynsecClient = { username: string; password: string; roles: readonly TRoleRef[] };
export type TDynsecGroup = { groupname: string; roles: readonly TRoleRef[]; clients: readonly { username: string; priority?: number }[] };
export type TDynsecConfig = { defaultACLAccess: TDefaultAccess; clients: readonly TDynsecClient[]; groups: readonly TDynsecGroup[]; roles: readonly TRole[] };

/** The plugin Debian's mosquitto package ships, whatever the architecture. */
function dynsecPlugin(): string {
  for (const dir of readdirSync("/usr/lib")) {
    const p = path.join("/usr/lib", dir, "mosquitto_dynamic_security.so");
    if (existsSync(p)) return p;
  }
  throw new Error("mosquitto_dynamic_security.so not found: install Debian's mosquitto");
}

/** Mosquitto's password form in the dynsec config: PBKDF2-SHA512, 12-byte salt, 101 iterations. */
function dynsecPassword(password: string) {
  const salt = randomBytes(12);
  return { salt: salt.toString("base64"), password: pbkdf2Sync(password, salt, 101, 64, "sha512").toString("base64"), iterations: 101 };
}

export type TAclBroker = { dir: string; port: number; connect: (username: string, password: string) => Promise<MqttClient>; stop: () => Promise<void> };

async function startTestBroker(security: string[], files: Record<string, string>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fleetward-acl-"));
  chmodSync(dir, 0o755); // the broker drops to user mosquitto
  const ca = await createCa("ACL test CA", 2);
  const server = await issueCertificate({ ca, commonName: "localhost", usage: "server", ipAddresses: ["127.0.0.1"], days: 2 });
  const [port] = await reservePorts(1);
  const file = (name: string, text: string) => writeFileSync(path.join(dir, name), text, { mode: 0o644 });
  file("ca.crt", ca.certPem);
  file("server.crt", server.certPem);
  file("server.key", server.keyPem);
  for (const [name, text] of Object.entries(files)) file(name, text);
  const conf = ["per_listener_settings true", "persistence false", `listener ${port} 127.0.0.1`, `cafile ${dir}/ca.crt`, `certfile ${dir}/server.crt`, `keyfile ${dir}/server.key`, "tls_version tlsv1.2", "allow_anonymous false"];
  file("mosquitto.conf", [...conf, ...security.map((l) => l.replaceAll("{dir}", dir)), ""].join("\n"));
  const log = path.join(dir, "mosquitto.log");
  writeFileSync(log, "");
  const broker = spawn("mosquitto", ["-c", path.join(dir, "mosquitto.conf")], { stdio: ["ignore", "ignore", "ignore"] });
  await waitForPort(port!, broker.pid!, "ACL test broker", log);
  return {
    dir,
    port: port!,
    write: file,
    pid: broker.pid!,
    reload: () => process.kill(broker.pid!, "SIGHUP"),
    connect: (username: string, password: string, clientId = `${username}-${randomBytes(3).toString("hex")}`) =>
      mqtt.connectAsync(`mqtts://127.0.0.1:${port}`, { ca: ca.certPem, username, password, clientId, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5_000 }),
    stop: () => stopPids([broker.pid!]),
  };
}

export async function startDynsecBroker(config: TDynsecConfig): Promise<TAclBroker> {
  const dynsec = JSON.stringify({
    defaultACLAccess: config.defaultACLAccess,
    clients: config.clients.map((c) => ({ username: c.username, ...dynsecPassword(c.password), roles: c.roles })),
    // Group membership (with its priority) is read from the group's side when the plugin loads its config.
    groups: config.groups,
    roles: config.roles,
  });
  return startTestBroker([`plugin ${dynsecPlugin()}`, "plugin_opt_config_file {dir}/dynsec.json"], { "dynsec.json": dynsec });
}

/** The same config held by Fleetward's broker plugin (startPluginBroker), sent to it as one command batch. */
export async function startPluginAclBroker(config: TDynsecConfig): Promise<TAclBroker> {
  const broker = await startPluginBroker();
  const groupsOf = (username: string) => config.groups.flatMap((g) => g.clients.filter((c) => c.username === username).map((c) => ({ groupname: g.groupname, priority: c.priority })));
  const ops = [
    { op: "setDefaults", ...config.defaultACLAccess },
    ...config.roles.map((r) => ({ op: "upsertRole", rolename: r.rolename, acls: r.acls })),
    ...config.groups.map((g) => ({ op: "upsertGroup", groupname: g.groupname, roles: g.roles })),
    ...(await Promise.all(config.clients.map(async (c) => ({ op: "upsertClient", username: c.username, clientid: c.username, credential: "password", secret: await mosquittoPasswordHash(c.password, 101), roles: c.roles, groups: groupsOf(c.username) })))),
  ];
  const reply = await broker.command({ revision: 1, ops });
  if (!reply.ok) throw new Error(`the plugin refused the ACL test config: ${reply.error}`);
  return {
    dir: broker.dir,
    port: broker.ports.tlsPassword,
    connect: broker.connect,
    stop: async () => {
      const problems = await broker.stop();
      if (problems.length) throw new Error(`sanitizer reports about the plugin:\n${problems.join("\n")}`);
    },
  };
}

export type TAclFileBroker = Awaited<ReturnType<typeof startTestBroker>> & { setAcl: (text: string) => void };

/** A broker with a password_file of these users and an acl_file that setAcl rewrites and reloads. */
export async function startAclFileBroker(passwords: Record<string, string>): Promise<TAclFileBroker> {
  const passwd = (await Promise.all(Object.entries(passwords).map(async ([user, pw]) => `${user}:${await mosquittoPasswordHash(pw)}\n`))).join("");
  const broker = await startTestBroker(["password_file {dir}/passwd", "acl_file {dir}/acl"], { passwd, acl: "" });
  return { ...broker, setAcl: (text) => (broker.write("acl", text), broker.reload()) };
}

/** MQTT 5 "not authorised" (0x87) on a PUBACK, or on a SUBACK (whose error carries the packet). */
export function notAuthorised(e: unknown): boolean {
  const x = e as { code?: number; packet?: { granted?: number[] } };
  return [128, 135].includes(x.code ?? x.packet?.granted?.[0] ?? -1);
}

/** A QoS 1 publish: true when the broker accepted it, false when it refused it as not authorised. */
export const publishAllowed = (client: MqttClient, topic: string) =>
  client.publishAsync(topic, "x", { qos: 1 }).then(() => true, (e: unknown) => (notAuthorised(e) ? false : Promise.reject(e)));

/**
 * Whether the broker delivers a message on `topic` to `client`: the publisher sends it, then a sentinel the client
 * surely receives; the broker keeps one publisher's order, so the sentinel's arrival ends the wait.
 */
export async function delivered(client: MqttClient, publisher: MqttClient, topic: string, sentinel: string): Promise<boolean> {
  await client.subscribeAsync([topic, sentinel], { qos: 1 });
  let got = false;
  const done = new Promise<void>((resolve) =>
    client.on("message", (t) => {
      if (t === sentinel) resolve();
      else if (t === topic) got = true;
    }),
  );
  await publisher.publishAsync(topic, "probe", { qos: 1 });
  await publisher.publishAsync(sentinel, "end", { qos: 1 });
  await done;
  return got;
}
