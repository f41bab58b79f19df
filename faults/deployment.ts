// A whole Fleetward deployment on loopback for the faults suite: its own embedded Postgres (so it can be restarted),
// two replicas of the production server behind one port, two workers, and a real 3-broker fleet with agents.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { driftedFiles, type TFileDigests } from "@/lib/domain/broker-files";
import { currentDigests } from "@/lib/fleet/agent/managed-files";
import { alive, startBroker, type TLocalBroker } from "@/lib/fleet/local-fleet";
import { eventually, startTestFleet, startWorker, type TTestFleet, type TTestWorker } from "@/lib/fleet/testing/test-fleet";
import { db, disconnectDb } from "@/lib/server/db";
import { renderDesiredState } from "@/lib/server/services/fleet/render-desired-state";
import { freePort, startEmbeddedPg } from "../scripts/lib/embedded-pg.mjs";
import { migrate } from "../scripts/lib/setup.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");

/** `FLEETWARD_FAULTS=full` (npm run test:faults) runs every fault at full size; `npm test` runs the short form. */
export const FULL = process.env.FLEETWARD_FAULTS === "full";

export type TReplica = { port: number; process: ChildProcess; logFile: string; kill: (signal?: NodeJS.Signals) => Promise<void> };

/** Round-robin TCP balancer on one loopback port, like a load balancer in front of the replicas. */
export type TBalancer = { port: number; served: Map<number, number>; close: () => Promise<void> };

export type TApiAnswer = { status: number; body: unknown };

export type TDeployment = {
  dir: string;
  fleet: TTestFleet;
  balancer: TBalancer;
  replicas: TReplica[];
  workers: TTestWorker[];
  token: string;
  /** An API call through the balancer on a connection of its own, so consecutive calls reach different replicas. */
  api: (method: string, urlPath: string, body?: unknown) => Promise<TApiAnswer>;
  startReplica: (port?: number) => Promise<TReplica>;
  startWorker: (name: string) => TTestWorker;
  /** Stops Postgres (fast shutdown: every connection is cut), keeps it down for `downMs`, starts it again. */
  restartPostgres: (downMs: number) => Promise<void>;
  /** SIGKILLs one broker's Mosquitto; `restartBroker` starts it again on the same ports and files. */
  killBroker: (b: TLocalBroker, signal?: NodeJS.Signals) => Promise<void>;
  restartBroker: (b: TLocalBroker) => Promise<void>;
  stop: () => Promise<void>;
};

function balance(backends: () => number[]): Promise<TBalancer> {
  const served = new Map<number, number>();
  let next = 0;
  const server = net.createServer((client) => {
    client.pause();
    const ports = backends();
    // A backend that refuses the connection is skipped, as a load balancer's health check would.
    const attempt = (tries: number) => {
      const port = ports[next++ % ports.length]!;
      const upstream = net.connect({ host: "127.0.0.1", port });
      let connected = false;
      upstream.once("connect", () => {
        connected = true;
        served.set(port, (served.get(port) ?? 0) + 1);
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      upstream.once("error", () => {
        upstream.destroy();
        if (!connected && tries > 1) attempt(tries - 1);
        else client.destroy();
      });
      client.once("close", () => upstream.destroy());
    };
    client.on("error", () => client.destroy());
    attempt(ports.length);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ port: (server.address() as net.AddressInfo).port, served, close: () => new Promise((r) => server.close(() => r())) }),
    ),
  );
}

function call(port: number, token: string, method: string, urlPath: string, body?: unknown): Promise<TApiAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path: urlPath,
        agent: false,
        headers: { authorization: `Bearer ${token}`, ...(payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {}) },
        timeout: 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON: kept as text */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end(payload);
  });
}

async function startServer(dir: string, port: number): Promise<TReplica> {
  const logFile = path.join(dir, `replica-${port}.log`);
  const fd = openSync(logFile, "a");
  const child = spawn(process.execPath, [path.join(ROOT, "scripts/serve.mjs")], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production" },
    stdio: ["ignore", fd, fd],
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const replica: TReplica = {
    port,
    process: child,
    logFile,
    kill: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`the server on ${port} exited: ${readFileSync(logFile, "utf8").slice(-2000)}`);
    return (await call(port, "", "GET", "/api/v1/health").catch(() => ({ status: 0 }))).status === 200;
  }, `the server on port ${port}`, 60_000, 200);
  return replica;
}

/** Starts the deployment. The test process's own database access goes to this deployment's Postgres. */
export async function startDeployment(): Promise<TDeployment> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fleetward-faults-"));
  chmodSync(dir, 0o755); // Postgres runs as its own user when started by root
  const pgPort = await freePort();
  const pgDir = path.join(dir, "pg");
  let pg = await startEmbeddedPg({ dir: pgDir, port: pgPort, db: "fleetward_faults", fresh: true });
  await disconnectDb();
  process.env.DATABASE_URL = pg.url;
  process.env.FLEETWARD_AUDIT_CHECKPOINT_FILE = path.join(dir, "audit-checkpoints.jsonl");
  migrate(pg.url);
  const cli = (...args: string[]) => execFileSync(process.execPath, [path.join(ROOT, "bin/fleetward.mjs"), ...args], { cwd: ROOT, encoding: "utf8" });
  const token = cli("token", "create", "--name", `faults-${randomUUID().slice(0, 6)}`, "--role", "admin").trim().split("\n").at(-1)!;
  const fleet = startTestFleet(3);

  const replicas: TReplica[] = [];
  const startReplica = async (port?: number) => {
    const r = await startServer(dir, port ?? (await freePort()));
    replicas.push(r);
    return r;
  };
  await Promise.all([startReplica(), startReplica()]);
  const live = () => replicas.filter((r) => r.process.exitCode === null && r.process.signalCode === null).map((r) => r.port);
  const balancer = await balance(live);

  const workers: TTestWorker[] = [];
  const addWorker = (name: string) => {
    const w = startWorker(dir, name);
    workers.push(w);
    return w;
  };
  addWorker("worker-a");
  addWorker("worker-b");
  await Promise.all(workers.map((w) => eventually(() => w.log().includes("worker running"), `${w.logFile} to start`, 60_000, 200)));

  return {
    dir,
    fleet,
    balancer,
    replicas,
    workers,
    token,
    api: async (method, urlPath, body) => call(balancer.port, token, method, urlPath, body),
    startReplica,
    startWorker: addWorker,
    restartPostgres: async (downMs) => {
      await pg.stop();
      await new Promise((r) => setTimeout(r, downMs));
      pg = await startEmbeddedPg({ dir: pgDir, port: pgPort, db: "fleetward_faults" });
    },
    killBroker: async (b, signal = "SIGKILL") => {
      const pid = Number(readFileSync(path.join(b.dir, "broker.pid"), "utf8"));
      process.kill(pid, signal);
      await eventually(() => !alive(pid), `broker ${b.name} to exit`);
    },
    restartBroker: async (b) => {
      await startBroker(b.dir, b.ports);
    },
    stop: async () => {
      await Promise.all(workers.map((w) => w.kill()));
      await Promise.all(replicas.map((r) => r.kill()));
      await balancer.close();
      await fleet.stop();
      await disconnectDb();
      await pg.stop();
      if (!process.env.FLEETWARD_KEEP_FAULTS) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Every broker holds the desired state: the files on its disk are exactly what Fleetward renders now (so nothing
 * was lost and nothing extra kept), and Fleetward records the current revision as applied.
 */
export async function converged(fleet: TTestFleet): Promise<boolean> {
  const { revision, digests } = await renderDesiredState();
  const rows = await db.broker.findMany({ where: { name: { in: fleet.brokers.map((b) => b.name) } } });
  if (rows.length !== fleet.brokers.length || rows.some((r) => r.appliedRevision < revision)) return false;
  return fleet.brokers.every((b) => driftedFiles(digests, currentDigests(path.join(b.dir, "managed")) as TFileDigests).length === 0);
}

export const waitConverged = (fleet: TTestFleet, what: string, timeoutMs = 120_000) => eventually(() => converged(fleet), what, timeoutMs, 500);
