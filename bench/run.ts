// npm run bench [-- name…]: runs the benchmarks, prints a table and writes bench/results.json.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { disconnectDb } from "@/lib/server/db";
import { aclBench } from "./acl.bench";
import { auditBench } from "./audit.bench";
import { capacityBench } from "./capacity.bench";
import { downAllFleets } from "@/lib/fleet/testing/test-fleet";
import { killDescendants } from "./children";
import { deviceListBench } from "./device-list.bench";
import { devicesBench } from "./devices.bench";
import { met, type TFigure } from "./figures";
import { fleetSyncBench } from "./fleet-sync.bench";
import { liveBench } from "./live.bench";
import { lintLoadBench } from "./lint-load.bench";
import { pagesBench } from "./pages.bench";
import { pluginBench } from "./plugin.bench";
import { securityBench } from "./security.bench";
import { signingBench } from "./signing.bench";
import { stopBenchServer } from "./web-server";

// The benchmarks with a fleet of their own run before the 100,000 devices are seeded, so their brokers hold only
// what they measure.
const BENCHES: Record<string, () => Promise<TFigure[]>> = {
  "fleet-sync": () => fleetSyncBench(),
  devices: () => devicesBench(),
  acl: () => aclBench(),
  live: () => liveBench(),
  security: () => securityBench(),
  signing: () => signingBench(),
  "device-list": () => deviceListBench(),
  pages: () => pagesBench(),
  "lint-load": () => lintLoadBench(),
  plugin: () => pluginBench(),
  audit: () => auditBench(),
  capacity: () => capacityBench(),
};
/** Run only when named: the capacity model's three sizes along each axis take far longer than the rest together. */
const ON_REQUEST = new Set(["capacity"]);

/**
 * Minutes a benchmark may take before it counts as hung (FLEETWARD_BENCH_BUDGET_MIN overrides): several times what
 * each takes on a 2-core machine, so a slow machine passes and a hang fails, loudly, rather than printing nothing.
 */
export const BUDGET_MIN: Record<string, number> = { capacity: 240 };
const DEFAULT_BUDGET_MIN = 30;
const budgetMs = (name: string) => Number(process.env.FLEETWARD_BENCH_BUDGET_MIN ?? BUDGET_MIN[name] ?? DEFAULT_BUDGET_MIN) * 60_000;

/** Runs one benchmark within its budget; past it, whatever it started is killed and the run ends with status 1. */
async function withinBudget(name: string): Promise<TFigure[]> {
  const ms = budgetMs(name);
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>(() => {
    timer = setTimeout(() => {
      const killed = killDescendants();
      const fleets = downAllFleets();
      console.error(`[bench] FAILED: ${name} did not finish within ${ms / 60_000} min; killed its ${killed.length} child process(es) (${killed.join(", ")}) and ${fleets.length} fleet(s)`);
      process.exit(1);
    }, ms);
  });
  try {
    return await Promise.race([BENCHES[name]!(), hung]);
  } finally {
    clearTimeout(timer);
  }
}

function table(rows: TFigure[]): string {
  const cells = rows.map((f) => [
    f.name,
    `${f.value} ${f.unit}`,
    f.goal ? `${f.goal.op} ${f.goal.value} ${f.unit}` : "—",
    f.baseline ? `${f.baseline.value} ${f.unit} (${f.baseline.what})` : "—",
    f.baseline && f.value ? `${Math.round((f.baseline.value / f.value) * 10) / 10}x` : "—",
    met(f) === null ? "" : met(f) ? "met" : "MISSED",
  ]);
  const head = ["figure", "value", "goal", "baseline (same run)", "baseline / value", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join(" | ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("-|-"), ...cells.map(line)].join("\n");
}

async function main() {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(BENCHES).filter((n) => !ON_REQUEST.has(n));
  const unknown = names.filter((n) => !BENCHES[n]);
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(", ")}; known: ${Object.keys(BENCHES).join(", ")}`);
  const results: (TFigure & { bench: string; met: boolean | null })[] = [];
  for (const name of names) {
    console.log(`[bench] ${name}…`);
    for (const f of await withinBudget(name)) results.push({ bench: name, ...f, met: met(f) });
  }
  console.log(`\n${table(results)}\n`);
  const out = path.resolve(import.meta.dirname, "results.json");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), machine: { cpus: (await import("node:os")).cpus().length, node: process.version }, results }, null, 2) + "\n");
  console.log(`[bench] wrote ${out}`);
}

main()
  .catch((e: unknown) => {
    console.error(`[bench] failed: ${e instanceof Error ? e.stack : String(e)}`);
    process.exitCode = 1;
  })
  .finally(() => stopBenchServer())
  .finally(() => disconnectDb())
  .finally(() => process.exit());
