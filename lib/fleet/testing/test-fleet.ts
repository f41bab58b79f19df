// Real fleets for tests and benchmarks: `fleetward fleet up` in a folder of its own, workers as real processes.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, openSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { db } from "@/lib/server/db";
import { deleteBroker } from "@/lib/server/services/brokers/delete-broker";
import { readFleetFile, type TLocalBroker } from "../local-fleet";

const ROOT = path.resolve(import.meta.dirname, "../../..");
/** `fleet up` of a few brokers takes seconds, minutes on a loaded machine: past ten it has hung, and is killed (execFileSync throws). */
const cli = (...args: string[]) => execFileSync("node", [path.join(ROOT, "bin/fleetward.mjs"), ...args], { encoding: "utf8", cwd: ROOT, timeout: 600_000, killSignal: "SIGKILL" });

/** `stop` ends the brokers and agents and removes their registrations, so later workers do not chase them. */
export type TTestFleet = { dir: string; prefix: string; brokers: TLocalBroker[]; caPem: string; stop: () => Promise<void> };

/** Fleets up in this process: their brokers and agents run detached, so a process ending by force must end them too. */
const upFleets = new Set<string>();

/** Ends every fleet this process started and has not stopped (brokers and agents only; for a run ending by force). */
export function downAllFleets(): string[] {
  const dirs = [...upFleets];
  for (const dir of dirs) {
    try {
      cli("fleet", "down", "--dir", dir);
    } catch {
      /* ending anyway */
    }
    upFleets.delete(dir);
  }
  return dirs;
}

/** `enforcement`: how its brokers enforce (`fleet up --enforcement`). */
export function startTestFleet(count: number, { enforcement = "files" }: { enforcement?: "plugin" | "files" } = {}): TTestFleet {
  const prefix = `t${randomUUID().slice(0, 6)}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "fleetward-fleet-"));
  upFleets.add(dir);
  cli("fleet", "up", "--brokers", String(count), "--prefix", prefix, "--dir", dir, "--enforcement", enforcement);
  const { brokers } = readFleetFile(dir);
  const stop = async () => {
    cli("fleet", "down", "--dir", dir);
    upFleets.delete(dir);
    const actor = { type: "system" as const, id: null, label: "test-fleet", ip: null, userAgent: null };
    for (const b of await db.broker.findMany({ where: { name: { startsWith: `${prefix}-` } } })) await deleteBroker({ actor, id: b.id });
  };
  return { dir, prefix, brokers, caPem: readFileSync(path.join(dir, "admin/ca.crt"), "utf8"), stop };
}

/**
 * `kill` sends the signal and waits for the exit, at most `deadlineMs` (a worker's stop is bounded at 10 s): past it
 * the worker is SIGKILLed and `kill` throws, naming it, so no test or benchmark waits on a hung worker for ever.
 */
export type TTestWorker = { process: ChildProcess; logFile: string; log: () => string; kill: (signal?: NodeJS.Signals, deadlineMs?: number) => Promise<void> };

export function startWorker(logDir: string, name = "worker"): TTestWorker {
  const logFile = path.join(logDir, `${name}-${randomUUID().slice(0, 4)}.log`);
  const fd = openSync(logFile, "a");
  // The worker process itself (not the bin wrapper), so SIGKILL in a test kills the process running the jobs.
  const args = ["--conditions=react-server", "--import", import.meta.resolve("tsx"), path.join(ROOT, "cli/main.ts"), "worker"];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", fd, fd] });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const exitWithin = async (ms: number) => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
    return gone();
  };
  return {
    process: child,
    logFile,
    log: () => readFileSync(logFile, "utf8"),
    kill: async (signal = "SIGTERM", deadlineMs = 15_000) => {
      if (gone()) return;
      child.kill(signal);
      if (await exitWithin(deadlineMs)) return;
      child.kill("SIGKILL");
      await exitWithin(5_000);
      throw new Error(`worker ${name} (pid ${child.pid}) had not exited ${deadlineMs / 1000} s after ${signal}: killed. Its log ends:\n${readFileSync(logFile, "utf8").slice(-1_500)}`);
    },
  };
}

/** Polls until `check` returns a truthy value or the time is up; returns that value. */
export async function eventually<T>(check: () => Promise<T> | T, what: string, timeoutMs = 20_000, everyMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** An mqtt.js connection over TLS; resolves when connected, rejects with the broker's refusal. */
export function connectDevice(port: number, caPem: string, options: IClientOptions): Promise<MqttClient> {
  const client = mqtt.connect(`mqtts://127.0.0.1:${port}`, { ca: caPem, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5_000, ...options });
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("error", (e) => (client.end(true), reject(e)));
  });
}

/** Debian's own client, which no one here wrote: exit status 0 when it connected and published. */
export function mosquittoPub(port: number, caFile: string, user: string, password: string, topic: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(port), "--cafile", caFile, "-u", user, "-P", password, "-i", user, "-t", topic, "-m", "hello", "-V", "mqttv5", "-q", "1"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 10_000,
    });
    return { ok: true, output };
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string };
    return { ok: false, output: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}
