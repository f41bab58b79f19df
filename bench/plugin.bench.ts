// Fleetward's broker plugin in a real Mosquitto (its -O2 build), driven as the agent drives it: N clients
// (FLEETWARD_BENCH_PLUGIN_CLIENTS, default 1,000,000) loaded by a staged full resync in parts of 50,000, then one
// change (a device upserted), an edit of the role every client holds (one command: its templates are read at check
// time), the broker's memory, a restart until it answers again from its own snapshot, and a device's login among
// them. Baselines from the same run: the same broker with no clients.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import mqtt from "mqtt";
import { startAclFileBroker } from "@/lib/fleet/testing/acl-broker";
import { mosquittoPasswordHash } from "@/lib/domain/mosquitto-password";
import { startPluginBroker, type TPluginBroker } from "@/lib/fleet/testing/plugin-broker";
import { percentile, round, type TFigure } from "./figures";

const PART = 50_000;

const FLOOD = 200_000;

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

/**
 * Debian's mosquitto_pub sends FLOOD QoS 0 messages on one topic the device may publish to (each one ACL check in
 * the broker); what the broker spent on them, per message, in its own CPU time.
 */
function flood(pid: number, port: number, caFile: string, username: string, password: string, topic: string): number {
  const input = "x\n".repeat(FLOOD);
  const before = cpuSeconds(pid);
  const r = spawnSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(port), "--cafile", caFile, "-u", username, "-P", password, "-i", username, "-t", topic, "-l", "-q", "0", "-V", "mqttv5"], { input, encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`mosquitto_pub failed: ${r.stderr}`);
  return Math.round(FLOOD / Math.max(0.01, cpuSeconds(pid) - before));
}

const rssMb = (pid: number) => round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024);

const role = (n: number) => ({
  op: "upsertRole",
  rolename: "bench-sensor",
  acls: [
    { acltype: "publishClientSend", topic: "devices/${clientId}/#", allow: true },
    { acltype: "subscribePattern", topic: `commands/\${clientId}/${n}/#`, allow: true },
    { acltype: "publishClientReceive", topic: "commands/${clientId}/#", allow: true },
  ],
});

/** ms of each of `runs` batches sent one after another (the plugin answers once the batch is applied and journaled). */
async function timed(broker: TPluginBroker, runs: number, batch: (i: number) => unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = await broker.command(batch(i));
    if (!r.ok) throw new Error(`the plugin refused a bench batch: ${r.error}`);
    times.push(performance.now() - t);
  }
  return times;
}

async function loginMs(broker: TPluginBroker, username: string, password: string): Promise<number> {
  const t = performance.now();
  const c = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker.ports.tlsPassword}`, { ca: broker.ca.certPem, username, password, clientId: username, protocolVersion: 5, reconnectPeriod: 0 });
  const ms = performance.now() - t;
  await c.endAsync(true);
  return ms;
}

export async function pluginBench(): Promise<TFigure[]> {
  const n = Number(process.env.FLEETWARD_BENCH_PLUGIN_CLIENTS ?? 1_000_000);
  const broker = await startPluginBroker({ sanitized: false });
  try {
    const secret = await mosquittoPasswordHash("bench-password");
    const client = (i: number) => ({ op: "upsertClient", username: `bench-${i}`, clientid: `bench-${i}`, credential: "password", secret, roles: [{ rolename: "bench-sensor", priority: 1 }] });
    let revision = 1;
    await broker.command({ revision, ops: [role(0), client(0)] });
    const emptyRss = rssMb(broker.pid);
    const changeEmpty = await timed(broker, 30, (i) => ({ revision: ++revision, ops: [client(n + i)] }));
    const roleEmpty = await timed(broker, 30, (i) => ({ revision: ++revision, ops: [role(i + 1)] }));

    // The full state in parts, as a new or wiped broker gets it; the last part swaps it in (and writes the snapshot).
    const parts = Math.ceil(n / PART);
    const tLoad = performance.now();
    revision++;
    for (let p = 0; p < parts; p++) {
      const ops: unknown[] = p === 0 ? [role(0)] : [];
      for (let i = p * PART; i < Math.min(n, (p + 1) * PART); i++) ops.push(client(i));
      const r = await broker.command({ revision, stage: { id: `bench-${revision}`, part: p + 1, parts }, ops });
      if (!r.ok) throw new Error(`the plugin refused part ${p + 1}: ${r.error}`);
    }
    const loadMs = performance.now() - tLoad;
    const fullRss = rssMb(broker.pid);

    const change = await timed(broker, 50, (i) => ({ revision: ++revision, ops: [client(n + 100 + i)] }));
    const roleEdit = await timed(broker, 30, (i) => ({ revision: ++revision, ops: [role(100 + i)] }));
    const login = await loginMs(broker, `bench-${n - 1}`, "bench-password");

    const tRestart = performance.now();
    await broker.restart();
    const restartMs = performance.now() - tRestart;
    const after = await broker.command({ revision, ops: [] });
    if (after.clients < n) throw new Error(`after the restart the plugin holds ${after.clients} clients, not ${n}`);
    const loginAfter = await loginMs(broker, `bench-${Math.floor(n / 2)}`, "bench-password");
    const d = `bench-${n - 2}`;
    const pluginRate = flood(broker.pid, broker.ports.tlsPassword, path.join(broker.dir, "ca.crt"), d, "bench-password", `devices/${d}/t`);
    const files = await startAclFileBroker({ [d]: "bench-password" });
    let fileRate: number;
    try {
      files.setAcl(`pattern write devices/%u/#\n`);
      // Reloaded on SIGHUP: in once a QoS 1 publish there is accepted.
      const accepted = () => spawnSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(files.port), "--cafile", path.join(files.dir, "ca.crt"), "-u", d, "-P", "bench-password", "-i", d, "-t", `devices/${d}/t`, "-m", "x", "-q", "1", "-V", "mqttv5"], { encoding: "utf8" }).stderr === "";
      for (let i = 0; !accepted(); i++) if (i > 100) throw new Error("the acl_file broker never took its ACL");
      fileRate = flood(files.pid, files.port, path.join(files.dir, "ca.crt"), d, "bench-password", `devices/${d}/t`);
    } finally {
      await files.stop();
    }

    const clients = `${n.toLocaleString("en")} clients`;
    return [
      { name: `plugin: full resync of ${clients} (parts of ${PART.toLocaleString("en")})`, value: round(loadMs / 1000, 2), unit: "s", goal: { op: "<=", value: 30 }, baseline: null },
      { name: `plugin: one device upserted, applied and journaled, p95 with ${clients}`, value: round(percentile(change, 95)), unit: "ms", goal: { op: "<=", value: 150 }, baseline: { value: round(percentile(changeEmpty, 95)), what: "no clients" } },
      { name: `plugin: the role all ${clients} hold edited, p95`, value: round(percentile(roleEdit, 95)), unit: "ms", goal: { op: "<=", value: 150 }, baseline: { value: round(percentile(roleEmpty, 95)), what: "no clients" } },
      { name: `plugin: broker memory with ${clients}`, value: fullRss, unit: "MB", goal: { op: "<=", value: 1024 }, baseline: { value: emptyRss, what: "no clients" } },
      { name: `plugin: broker restart with ${clients} until it answers`, value: round(restartMs / 1000, 2), unit: "s", goal: { op: "<=", value: 5 }, baseline: null },
      { name: `plugin: publishes per broker CPU second, one ACL check each, ${clients} held`, value: pluginRate, unit: "msg/s", goal: null, baseline: { value: fileRate, what: "acl_file pattern, one client" }, note: "the broker's whole work per message (TLS, parsing, the check); the check alone is the difference" },
      { name: `plugin: a device's login (TLS + password) among ${clients}, after the restart`, value: round(loginAfter), unit: "ms", goal: null, baseline: { value: round(login), what: "before the restart" } },
    ];
  } finally {
    await broker.stop();
  }
}
