// npm run bench [-- name…]: every benchmark on a fresh embedded Postgres and its own local fleet; prints a table
// and writes bench/results.json.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { freePort, startEmbeddedPg } from "./lib/embedded-pg.mjs";
import { run } from "./lib/run.mjs";
import { ensureDependencies, migrate } from "./lib/setup.mjs";

ensureDependencies();
const pg = process.env.DATABASE_URL
  ? { url: process.env.DATABASE_URL, stop: async () => {} }
  : await startEmbeddedPg({ dir: ".data/bench-pg", port: await freePort(), db: "fleetward_bench", fresh: true });
let code = 0;
try {
  migrate(pg.url);
  run(process.execPath, ["--conditions=react-server", "--import", "tsx", path.resolve("bench/run.ts"), ...process.argv.slice(2)], {
    env: { ...process.env, DATABASE_URL: pg.url, FLEETWARD_MASTER_KEY: process.env.FLEETWARD_MASTER_KEY ?? randomBytes(32).toString("base64") },
  });
} catch (e) {
  console.error(e.message);
  code = 1;
} finally {
  await pg.stop();
}
process.exit(code);
