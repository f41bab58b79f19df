// Steps shared by quickstart and the test runner: dependencies, secrets file, migrations, the build.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { run } from "./run.mjs";

/** npm install when node_modules is missing or older than package.json. */
export function ensureDependencies() {
  const marker = "node_modules/.package-lock.json";
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync("package.json").mtimeMs) return;
  console.log("[fleetward] installing dependencies (npm install)…");
  run("npm", ["install", "--no-audit", "--no-fund"]);
}

/** The secrets the dashboard needs, generated once per installation. */
export const APP_SECRETS = {
  AUTH_SECRET: () => randomBytes(33).toString("base64"),
  FLEETWARD_MASTER_KEY: () => randomBytes(32).toString("base64"),
};

/** The values in an env file (KEY=value lines); none when it does not exist. */
export function readLocalEnv(file = ".env.local") {
  const values = {};
  if (!existsSync(file)) return values;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) values[m[1]] = m[2];
  }
  return values;
}

/**
 * Secrets for this installation, generated once into the git-ignored .env.local (mode 600, never printed): those
 * of `wanted` that it does not hold yet are added. Returns every value in the file.
 */
export function ensureLocalEnv(file = ".env.local", wanted = APP_SECRETS) {
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
  let added = "";
  for (const [key, make] of Object.entries(wanted)) {
    if (!new RegExp(`^${key}=`, "m").test(existing)) added += `${key}=${make()}\n`;
  }
  if (added) writeFileSync(file, existing + (existing && !existing.endsWith("\n") ? "\n" : "") + added, { mode: 0o600 });
  if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600); // it holds the database's passwords
  return readLocalEnv(file);
}

/** Applies committed migrations and creates the job queues; quiet unless it fails. */
export function migrate(databaseUrl) {
  const r = spawnSync("node_modules/.bin/prisma", ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error(`database migration failed (exit ${r.status})`);
  }
  const q = spawnSync("node", ["bin/fleetward.mjs", "queues", "ensure"], { env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: "utf8" });
  if (q.status !== 0) {
    process.stderr.write(q.stdout + q.stderr);
    throw new Error(`creating the job queues failed (exit ${q.status})`);
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) { if (entry.name !== "generated") newest = Math.max(newest, newestMtime(p)); }
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** next build, unless the last build is newer than every source file. */
export function buildIfStale({ force = false } = {}) {
  const id = ".next/BUILD_ID";
  const sources = ["app", "components", "lib", "public"].filter(existsSync);
  const newest = Math.max(...sources.map(newestMtime), ...["package.json", "next.config.ts"].map((f) => statSync(f).mtimeMs));
  if (!force && existsSync(id) && statSync(id).mtimeMs > newest) return;
  console.log("[fleetward] building the dashboard (next build)…");
  run("node_modules/.bin/next", ["build"], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
}
