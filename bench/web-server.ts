// The production server (`node scripts/serve.mjs`, NODE_ENV=production, the build in .next) for the API and page
// figures, started once per run and shared by the benchmarks that drive it, with its memory read from /proc.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { reservePorts } from "@/lib/fleet/local-fleet";
import { eventually } from "@/lib/fleet/testing/test-fleet";
import { descendants as descendantsOf, stopChild } from "./children";
import { round, type TFigure } from "./figures";

const ROOT = path.resolve(import.meta.dirname, "..");
/** RSS is read this often while a load runs: the peak between two reads is not seen (VmHWM, reported too, sees it). */
const SAMPLE_MS = 50;
/**
 * Next's own server idles at roughly 100-200 MB. Half a gigabyte leaves a small host (1 GB, the dashboard beside its
 * worker and a broker) room, and a page or list that held the fleet in memory (100,000 devices) would cross it.
 */
const MEMORY_GOAL_MB = 512;

export type TBenchServer = {
  url: string;
  pid: number;
  /** RSS (MB) of the server and any child processes, read a few seconds after it first answered. */
  idleMb: number;
  /** Runs `load` and returns the highest RSS (MB) read meanwhile. */
  peakDuring: <T>(load: () => Promise<T>) => Promise<{ result: T; peakMb: number }>;
  /** The server process's own high-water mark (MB) since it started. */
  hwmMb: () => number;
};

let started: { child: ChildProcess; server: Promise<TBenchServer> } | null = null;

const statusKb = (pid: number, field: "VmRSS" | "VmHWM") => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);

const descendants = (pid: number) => [pid, ...descendantsOf(pid)];

/** Resident memory of the process and its children, in MB; 0 once it has gone. */
function treeRssMb(pid: number): number {
  try {
    return round(descendants(pid).reduce((kb, p) => kb + statusKb(p, "VmRSS"), 0) / 1024);
  } catch {
    return 0;
  }
}

async function start(child: ChildProcess, url: string): Promise<TBenchServer> {
  await eventually(async () => (await fetch(`${url}/api/v1/health`)).ok, "the dashboard to answer", 60_000, 200);
  await new Promise((r) => setTimeout(r, 3_000));
  const pid = child.pid!;
  return {
    url,
    pid,
    idleMb: treeRssMb(pid),
    hwmMb: () => round(statusKb(pid, "VmHWM") / 1024),
    peakDuring: async (load) => {
      let peakMb = treeRssMb(pid);
      const timer = setInterval(() => (peakMb = Math.max(peakMb, treeRssMb(pid))), SAMPLE_MS);
      try {
        const result = await load();
        return { result, peakMb: Math.max(peakMb, treeRssMb(pid)) };
      } finally {
        clearInterval(timer);
      }
    },
  };
}

/** The running server, started on first use. */
export async function benchServer(): Promise<TBenchServer> {
  if (!started) {
    if (!existsSync(path.join(ROOT, ".next/BUILD_ID"))) throw new Error("no production build: run `npm run build` first");
    const [port] = await reservePorts(1);
    const env = { ...process.env, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production" as const };
    const child = spawn(process.execPath, [path.join(ROOT, "scripts/serve.mjs")], { cwd: ROOT, env, stdio: "ignore" });
    started = { child, server: start(child, `http://127.0.0.1:${port}`) };
  }
  return started.server;
}

export async function stopBenchServer(): Promise<void> {
  if (!started) return;
  const { child } = started;
  started = null;
  await stopChild(child, "the bench's web server");
}

/** The server's peak memory under a load, against its own footprint idle after start. */
export const memoryFigure = (server: TBenchServer, peakMb: number, during: string): TFigure => ({
  name: `server memory (RSS), peak ${during}`,
  value: peakMb,
  unit: "MB",
  goal: { op: "<=", value: MEMORY_GOAL_MB },
  baseline: { value: server.idleMb, what: "idle after start" },
  note: `RSS of the server and its children every ${SAMPLE_MS} ms; the server process's high-water mark (VmHWM) since start ${server.hwmMb()} MB`,
});
