// npm run bench [-- name…] (fleet-sync, devices, device-list, pages, lint-load, plugin, acl, live, audit, security, signing; and capacity, run only
// when named): every benchmark on a fresh embedded Postgres and its own local fleet; prints a table and writes
// bench/results.json. Each benchmark has a budget (bench/run.ts); the whole run has one too, past which everything it
// started is killed and the run fails, so a hung child is a failed run, never a silent one.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { buildPlugin } from "./lib/plugin.mjs";
import { buildIfStale, ensureDependencies } from "./lib/setup.mjs";

// Backstop over the per-benchmark budgets (30 min each, capacity 240): those fail first, this one if they cannot.
const DEFAULT_BUDGET_MIN = 30;
const CAPACITY_BUDGET_MIN = 240;
const SETUP_MIN = 15;

ensureDependencies();
buildPlugin();
// The device list API, pages and live benchmarks drive the production build (the last two in Chromium); the others
// need none, so naming only those does not wait for a build.
const named = process.argv.slice(2);
if (named.length === 0 || named.some((n) => ["device-list", "pages", "live", "lint-load"].includes(n))) buildIfStale();

const perBench = Number(process.env.FLEETWARD_BENCH_BUDGET_MIN ?? DEFAULT_BUDGET_MIN);
// One file bench/<name>.bench.ts per benchmark; all of them but capacity run when none is named.
const defaults = readdirSync("bench").filter((f) => f.endsWith(".bench.ts") && f !== "capacity.bench.ts");
const count = named.length || defaults.length;
const deadlineMin = SETUP_MIN + count * perBench + (named.includes("capacity") ? CAPACITY_BUDGET_MIN : 0);

// Its own process group, so a deadline kills Postgres, workers, brokers' helpers and all, not only the first child.
const child = spawn(process.execPath, ["scripts/with-db.mjs", process.execPath, "--conditions=react-server", "--import", "tsx", path.resolve("bench/run.ts"), ...named], {
  stdio: "inherit",
  detached: true,
  env: { ...process.env, FLEETWARD_SCRATCH_PG: ".data/bench-pg" },
});
const killGroup = (signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
};
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => killGroup(s));
const timer = setTimeout(() => {
  console.error(`[bench] FAILED: the run (${named.join(", ") || "all"}) did not finish within ${deadlineMin} min; killed it (process group ${child.pid})`);
  killGroup("SIGKILL");
  process.exit(1);
}, deadlineMin * 60_000);
child.on("exit", (code, signal) => {
  clearTimeout(timer);
  if (code !== 0) console.error(`[bench] failed (exit ${code ?? signal})`);
  process.exit(code === 0 ? 0 : 1);
});
