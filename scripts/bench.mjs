// npm run bench [-- name…] (fleet-sync, devices, device-list, pages, acl, live, audit, security, signing; and capacity, run only
// when named): every benchmark on a fresh embedded Postgres and its own local fleet; prints a table and writes
// bench/results.json.
import path from "node:path";
import { run } from "./lib/run.mjs";
import { buildIfStale, ensureDependencies } from "./lib/setup.mjs";

ensureDependencies();
// The device list API, pages and live benchmarks drive the production build (the last two in Chromium); the others
// need none, so naming only those does not wait for a build.
const named = process.argv.slice(2);
if (named.length === 0 || named.some((n) => ["device-list", "pages", "live"].includes(n))) buildIfStale();
try {
  run(process.execPath, ["scripts/with-db.mjs", process.execPath, "--conditions=react-server", "--import", "tsx", path.resolve("bench/run.ts"), ...process.argv.slice(2)], {
    env: { ...process.env, FLEETWARD_SCRATCH_PG: ".data/bench-pg" },
  });
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
