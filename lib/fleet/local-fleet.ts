import { spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { TBrokerFiles } from "@/lib/domain/broker-files";
import { LISTENERS, renderAdminAcl, renderMosquittoConf, type TBrokerPorts } from "@/lib/domain/mosquitto-conf";
import { syncCaDir } from "./agent/managed-files";

// A local demo fleet: real Debian Mosquitto brokers on loopback ports, each with a Fleetward agent beside it.

export type TLocalBroker = { name: string; dir: string; ports: TBrokerPorts; brokerPid: number; agentPid: number };
export type TFleetFile = { brokers: TLocalBroker[] };

/** caPem: the fleet CA (the broker's certificate, devices'); serviceCaPem: the CA of Fleetward's own identities. */
export type TBrokerPki = { caPem: string; serviceCaPem: string; serverCertPem: string; serverKeyPem: string; agentCertPem: string; agentKeyPem: string };

const BIND = "127.0.0.1";

// Debian's mosquitto and its clients; openssl names device CAs the way brokers look them up.
const PACKAGES = ["mosquitto", "mosquitto-clients", "openssl"];

/** Installs Debian's mosquitto (and openssl) when missing (as root), or says exactly what to run. */
export function ensureMosquittoInstalled(): void {
  const has = () => spawnSync("sh", ["-c", "command -v mosquitto && command -v mosquitto_pub && command -v openssl"], { stdio: "ignore" }).status === 0;
  if (has()) return;
  if (process.getuid?.() !== 0) throw new Error(`mosquitto is not installed: run \`apt-get install -y ${PACKAGES.join(" ")}\` as root`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let r = spawnSync("apt-get", ["install", "-y", "-qq", ...PACKAGES], { stdio: "inherit", env });
  if (r.status !== 0) {
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    r = spawnSync("apt-get", ["install", "-y", "-qq", ...PACKAGES], { stdio: "inherit", env });
  }
  if (r.status !== 0 || !has()) throw new Error(`could not install ${PACKAGES.join(", ")} with apt-get: install them, then retry`);
  // Debian starts its own system broker on 1883; the fleet does not use it.
  spawnSync("sh", ["-c", "systemctl disable --now mosquitto 2>/dev/null || service mosquitto stop 2>/dev/null || true"], { stdio: "ignore" });
}

/** Distinct free loopback ports, reserved together so two fleets starting at once do not collide. */
export async function reservePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once("error", reject);
      s.listen(0, BIND, () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function chownTree(p: string, uid: number, gid: number) {
  chownSync(p, uid, gid);
  if (statSync(p).isDirectory()) for (const e of readdirSync(p)) chownTree(path.join(p, e), uid, gid);
}

export function mosquittoUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const r = spawnSync("id", ["-u", "mosquitto"], { encoding: "utf8" });
  const g = spawnSync("id", ["-g", "mosquitto"], { encoding: "utf8" });
  return r.status === 0 ? { uid: Number(r.stdout), gid: Number(g.stdout) } : null;
}

export type TWriteBrokerOptions = { name: string; dir: string; ports: TBrokerPorts; pki: TBrokerPki; files: TBrokerFiles; fleetwardPublicKeyPem: string; enforcement?: "plugin" | "files" };

/** Fleetward's broker plugin as `npm run build:plugin` builds it. */
export const PLUGIN_SO = path.resolve(import.meta.dirname, "../../broker-plugin/build/fleetward.so");

/** Writes one broker's folder: PKI, mosquitto.conf, admin ACL, the managed files and the agent's config. */
export function writeBrokerDir(o: TWriteBrokerOptions): void {
  const d = (p: string) => path.join(o.dir, p);
  const plugin = o.enforcement === "plugin";
  if (plugin && !existsSync(PLUGIN_SO)) throw new Error(`${PLUGIN_SO} is not built: run npm run build:plugin`);
  for (const sub of ["pki", "managed", "agent-state", ...(plugin ? ["plugin-state"] : [])]) mkdirSync(d(sub), { recursive: true, mode: 0o750 });
  const write = (p: string, content: string, mode = 0o640) => writeFileSync(d(p), content, { mode });
  write("pki/ca.crt", o.pki.caPem, 0o644);
  write("pki/service-ca.crt", o.pki.serviceCaPem, 0o644);
  write("pki/server.crt", o.pki.serverCertPem, 0o644);
  write("pki/server.key", o.pki.serverKeyPem);
  write("pki/agent.crt", o.pki.agentCertPem, 0o644);
  write("pki/agent.key", o.pki.agentKeyPem, 0o600);
  write("pki/fleetward-command.pub", o.fleetwardPublicKeyPem, 0o644);
  for (const [name, content] of Object.entries(o.files)) write(`managed/${name}`, content);
  syncCaDir(d("managed"), o.files["cas.pem"]);
  write("admin.acl", renderAdminAcl(o.name));
  write("mosquitto.conf", renderMosquittoConf({
    bind: BIND,
    ports: o.ports,
    caFile: d("pki/ca.crt"),
    adminCaFile: d("pki/service-ca.crt"),
    certFile: d("pki/server.crt"),
    keyFile: d("pki/server.key"),
    adminAclFile: d("admin.acl"),
    managedDir: d("managed"),
    ...(plugin ? { plugin: { file: PLUGIN_SO, broker: o.name, stateDir: d("plugin-state") } } : {}),
  }));
  write("agent.json", JSON.stringify({
    broker: o.name,
    host: BIND,
    adminPort: o.ports.admin,
    caFile: "pki/ca.crt",
    certFile: "pki/agent.crt",
    keyFile: "pki/agent.key",
    managedDir: "managed",
    stateDir: "agent-state",
    brokerPidFile: "broker.pid",
    fleetwardPublicKeyFile: "pki/fleetward-command.pub",
    brokerConfFile: "mosquitto.conf",
    enforcement: plugin ? "plugin" : "files",
  }, null, 2), 0o600);
  const owner = mosquittoUser();
  // The broker drops to user mosquitto: it must read its keys and the managed files; the agent key stays root's.
  if (owner) {
    chownTree(d("managed"), owner.uid, owner.gid);
    for (const f of ["pki", "pki/server.key", "admin.acl", "mosquitto.conf", ...(plugin ? ["plugin-state"] : [])]) chownSync(d(f), owner.uid, owner.gid);
    chownSync(o.dir, owner.uid, owner.gid);
  }
}

export async function waitForPort(port: number, pid: number, what: string, logFile: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) throw new Error(`${what} exited at start; see ${logFile}:\n${tail(logFile)}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: BIND, port }, () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not open port ${port} within ${timeoutMs / 1000} s; see ${logFile}`);
}

const tail = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").slice(-8).join("\n") : "");

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function spawnDetached(cmd: string, args: string[], logFile: string, cwd?: string): number {
  const fd = openSync(logFile, "a");
  const child = spawn(cmd, args, { detached: true, stdio: ["ignore", fd, fd], cwd });
  child.unref();
  return child.pid!;
}

/** The admin identity of the local fleet on disk (root only), for registering it again or inspecting a broker by hand. */
export function writeAdminIdentity(root: string, caPem: string, admin: { certPem: string; keyPem: string }): void {
  mkdirSync(path.join(root, "admin"), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(root, "admin/ca.crt"), caPem, { mode: 0o644 });
  writeFileSync(path.join(root, "admin/admin.crt"), admin.certPem, { mode: 0o644 });
  writeFileSync(path.join(root, "admin/admin.key"), admin.keyPem, { mode: 0o600 });
}

/** Starts the broker and waits for every listener. */
export async function startBroker(dir: string, ports: TBrokerPorts): Promise<number> {
  const log = path.join(dir, "mosquitto.log");
  const pid = spawnDetached("mosquitto", ["-c", path.join(dir, "mosquitto.conf")], log);
  writeFileSync(path.join(dir, "broker.pid"), String(pid));
  for (const l of LISTENERS) await waitForPort(ports[l], pid, `mosquitto (${path.basename(dir)})`, log);
  return pid;
}

/** Starts `fleetward agent` beside the broker. */
export function startAgent(dir: string, projectRoot: string): number {
  const args = ["--conditions=react-server", "--import", import.meta.resolve("tsx"), path.join(projectRoot, "cli/main.ts"), "agent", "--broker-config", path.join(dir, "agent.json")];
  const log = path.join(dir, "agent.log");
  if (existsSync(log)) renameSync(log, `${log}.1`);
  const pid = spawnDetached(process.execPath, args, log, projectRoot);
  writeFileSync(path.join(dir, "agent.pid"), String(pid));
  return pid;
}

/** Waits until the agent says it is connected to its broker (it logs JSON lines). */
export async function waitForAgent(dir: string, pid: number, timeoutMs = 20_000): Promise<void> {
  const log = path.join(dir, "agent.log");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) throw new Error(`the agent exited at start; see ${log}:\n${tail(log)}`);
    if (existsSync(log) && readFileSync(log, "utf8").includes('"msg":"connected to broker"')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the agent did not connect to its broker within ${timeoutMs / 1000} s; see ${log}`);
}

/** Stops processes by pid (SIGTERM, then SIGKILL after a grace period). */
export async function stopPids(pids: number[], graceMs = 5_000): Promise<void> {
  for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGKILL");
}

export const fleetFile = (root: string) => path.join(root, "fleet.json");

/** The pids of a local broker and its agent as their pid files say now (a broker may have been restarted). */
export function currentPids(b: TLocalBroker): number[] {
  const read = (f: string, fallback: number) => {
    try {
      return Number(readFileSync(path.join(b.dir, f), "utf8").trim()) || fallback;
    } catch {
      return fallback;
    }
  };
  return [read("agent.pid", b.agentPid), read("broker.pid", b.brokerPid)];
}

export function readFleetFile(root: string): TFleetFile {
  return existsSync(fleetFile(root)) ? (JSON.parse(readFileSync(fleetFile(root), "utf8")) as TFleetFile) : { brokers: [] };
}

export function writeFleetFile(root: string, f: TFleetFile) {
  mkdirSync(root, { recursive: true });
  writeFileSync(fleetFile(root), JSON.stringify(f, null, 2));
}
