#!/usr/bin/env node
// The fleetward CLI: finds (or starts) the database, then runs cli/main.ts under tsx.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveDatabase } from "../scripts/lib/database.mjs";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
process.chdir(root);
if (!existsSync("node_modules/tsx")) {
  console.error("fleetward: dependencies are not installed; run `npm run quickstart` (or `npm install`) first.");
  process.exit(2);
}

const db = await resolveDatabase({ mustExist: true }).catch((e) => {
  console.error(`fleetward: ${e.message}`);
  process.exit(2);
});
const child = spawn(
  process.execPath,
  ["--conditions=react-server", "--import", import.meta.resolve("tsx"), path.join(root, "cli/main.ts"), ...process.argv.slice(2)],
  { stdio: "inherit", env: { ...process.env, DATABASE_URL: db.url } },
);
const code = await new Promise((resolve) => child.on("exit", (c, s) => resolve(c ?? (s ? 1 : 0))));
await db.stop();
process.exit(code);
