#!/usr/bin/env node
// The fleetward CLI: finds (or starts) the database, then runs cli/main.ts under tsx.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveDatabase } from "../scripts/lib/database.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
process.chdir(root);
// Generated secrets (AUTH_SECRET, FLEETWARD_MASTER_KEY, the embedded database's passwords) from quickstart, unless
// the environment sets them.
if (existsSync(".env.local")) process.loadEnvFile(".env.local");
if (!existsSync("node_modules/tsx")) {
  console.error("fleetward: dependencies are not installed; run `npm run quickstart` (or `npm install`) first.");
  process.exit(2);
}

// The agent runs beside a broker, far from Postgres; stopping the local fleet needs no database either.
const [area, verb] = process.argv.slice(2);
const needsDb = !(area === "agent" || (area === "fleet" && verb === "down"));
const noDb = { url: process.env.DATABASE_URL ?? "", stop: async () => {} };
const db = !needsDb ? noDb : await resolveDatabase({ mustExist: true }).catch((e) => {
  console.error(`fleetward: the database could not be reached or started: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
// The command gets the URL of the application's role; the embedded server's passwords stay behind.
const { FLEETWARD_PG_SUPERUSER_PASSWORD: _superuser, FLEETWARD_PG_PASSWORD: _app, ...env } = process.env;
const child = spawn(
  process.execPath,
  ["--conditions=react-server", "--import", import.meta.resolve("tsx"), path.join(root, "cli/main.ts"), ...process.argv.slice(2)],
  { stdio: "inherit", env: { ...env, ...(db.url ? { DATABASE_URL: db.url } : {}) } },
);
// Signals meant for fleetward reach the command itself (a worker or agent stops cleanly).
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
const code = await new Promise((resolve) => child.on("exit", (c, s) => resolve(c ?? (s ? 1 : 0))));
await db.stop();
process.exit(code);
