// Embedded PostgreSQL (real server binaries from npm) for quickstart, the CLI and tests. It listens on loopback
// only and asks every connection for a password; the application connects as its own role, never as superuser.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, closeSync, fchmodSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { APP_ROLE, grantApplication, isLegacy, pgUrl, resetSuperuserPassword, writeHba } from "./pg-access.mjs";
import { binariesFor, dataDirFor, serverUser } from "./pg-runtime.mjs";

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

/** A password for a database role: 32 URL-safe characters, so it needs no escaping anywhere. */
export const newPassword = () => randomBytes(24).toString("base64url");

const running = new Set();
let hooked = false;
/** Servers we started end with this process, unless someone else handles the signal (and stops them itself). */
function hookExit() {
  if (hooked) return;
  hooked = true;
  process.once("exit", () => { for (const child of running) child.kill("SIGINT"); });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(sig, () => {
      if (process.listenerCount(sig) > 1) return;
      Promise.all([...running].map(stopChild)).finally(() => process.exit(128 + os.constants.signals[sig]));
    });
  }
}

function stopChild(child) {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGINT"); // fast shutdown: open connections are cut, nothing is lost
  });
}

function runToEnd(cmd, args, user, logFile) {
  return new Promise((resolve, reject) => {
    const fd = openSync(logFile, "a", 0o600);
    const child = spawn(cmd, args, { ...(user ?? {}), env: { ...process.env, LC_MESSAGES: "C" }, stdio: ["ignore", fd, fd] });
    closeSync(fd);
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} failed (exit ${code}): ${tail(logFile)}`))));
  });
}

function tail(file, from = 0) {
  const size = statSync(file).size;
  const start = Math.max(from, size - 4000);
  const buf = Buffer.alloc(size - start);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buf, 0, buf.length, start);
  } finally {
    closeSync(fd);
  }
  return buf.toString("utf8");
}

/** initdb with the superuser's password from a file only `user` reads, removed at once. */
async function initialise({ bin, dataDir, user, password, logFile }) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (user) chownSync(dataDir, user.uid, user.gid);
  const pwfile = `${dataDir}.pw-${randomBytes(4).toString("hex")}`;
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (user) chownSync(pwfile, user.uid, user.gid);
    const args = [`--pgdata=${dataDir}`, "--auth=scram-sha-256", "--username=postgres", `--pwfile=${pwfile}`, "--lc-messages=C"];
    await runToEnd(bin.initdb, args, user, logFile);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/** Starts the server; resolves once it accepts connections (its log says so), rejects with the log if it stops. */
async function launch({ bin, dataDir, user, port, logFile }) {
  // The log goes to a file, not a pipe: a pipe nobody reads (the parent blocked in a synchronous child) would stall it.
  if (existsSync(logFile) && statSync(logFile).size > 10_000_000) renameSync(logFile, `${logFile}.old`);
  const fd = openSync(logFile, "a", 0o600);
  fchmodSync(fd, 0o600); // failed statements are logged with their values
  const from = statSync(logFile).size;
  const flags = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200", "-c", "lc_messages=C"];
  const child = spawn(bin.postgres, ["-D", dataDir, "-p", String(port), ...flags], {
    ...(user ?? {}),
    env: { ...process.env, LC_MESSAGES: "C" },
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  hookExit();
  running.add(child);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.once("error", () => {});
  for (;;) {
    if (tail(logFile, from).includes("database system is ready to accept connections")) return () => stopChild(child);
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 25))]);
    if (code !== undefined || child.exitCode !== null) {
      running.delete(child);
      throw new Error(`postgres did not start (exit ${child.exitCode ?? child.signalCode}): ${tail(logFile, from).trim().slice(-1500)}`);
    }
  }
}

/** Passwords of clusters started by this process whose caller keeps none (a scratch server restarted by a test). */
const remembered = new Map();

/**
 * Starts Postgres with its data in `dir` (kept between runs unless `fresh`; elsewhere when the postgres user cannot
 * reach it), locks it (pg_hba.conf: a password for every connection), makes sure the application's role and
 * database `db` exist, and returns the role's URL, the superuser's URL (for set-up and tests only) and a stop function.
 * `secrets` ({ superuser, app }) are the passwords to use; a cluster made with other ones is brought to these.
 * `native` is the folder of the Postgres binaries (default: the ones npm installed).
 * @param {{ dir: string, port: number, db?: string, fresh?: boolean, secrets?: { superuser: string, app: string }, native?: string }} options
 */
export async function startEmbeddedPg({ dir, port, db = "fleetward", fresh = false, secrets, native }) {
  const user = serverUser();
  const { dataDir, moved } = dataDirFor(user, dir);
  if (fresh) rmSync(dataDir, { recursive: true, force: true });
  const bin = await binariesFor(user, native);
  const pw = secrets ?? remembered.get(dataDir) ?? { superuser: newPassword(), app: newPassword() };
  remembered.set(dataDir, pw);
  if (moved) process.stderr.write(`[fleetward] the postgres user cannot reach ${path.dirname(path.resolve(dir))}: the database is kept in ${dataDir}\n`);
  if (bin.copiedTo) process.stderr.write(`[fleetward] the postgres user cannot reach node_modules: Postgres runs from a copy in ${bin.copiedTo}\n`);
  const logFile = `${dataDir}.log`;
  mkdirSync(path.dirname(dataDir), { recursive: true });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await initialise({ bin, dataDir, user, password: pw.superuser, logFile });
  } else if (isLegacy(dataDir)) {
    process.stderr.write(`[fleetward] securing the database in ${dataDir}: a new superuser password, a password for every connection, the application's own role\n`);
    await resetSuperuserPassword({ postgres: bin.postgres, dataDir, user, password: pw.superuser });
  }
  writeHba(dataDir, user);
  let stop = await launch({ bin, dataDir, user, port, logFile });
  const adminUrl = pgUrl({ role: "postgres", password: pw.superuser, port, db });
  try {
    await grantApplication({ adminUrl, db, password: pw.app }).catch(async (e) => {
      if (e?.code !== "28P01") throw e;
      // The superuser's password is not the one we keep (a lost secrets file): set it again, with the server down.
      await stop();
      await resetSuperuserPassword({ postgres: bin.postgres, dataDir, user, password: pw.superuser });
      stop = await launch({ bin, dataDir, user, port, logFile });
      await grantApplication({ adminUrl, db, password: pw.app });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: pgUrl({ role: APP_ROLE, password: pw.app, port, db }), adminUrl, dataDir, moved, stop: () => stop() };
}

/**
 * A fresh database for a test or benchmark run: DATABASE_URL when set (adminUrl is then null), otherwise a new
 * embedded server on a free port, in FLEETWARD_SCRATCH_PG (default .data/test-pg) so a benchmark and tests can run
 * side by side.
 */
export async function startTestDatabase() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, adminUrl: null, stop: async () => {} };
  return startEmbeddedPg({ dir: process.env.FLEETWARD_SCRATCH_PG ?? ".data/test-pg", port: await freePort(), db: "fleetward_test", fresh: true });
}
