// Who may connect to the embedded Postgres and as what. Every connection needs a password (SCRAM), on loopback
// only; the superuser (`postgres`) serves only to set up: it creates the application's role, which owns the
// database and everything in it (so migrations and pg-boss run as that role) and may do nothing more.
import { spawn } from "node:child_process";
import { chownSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

export const APP_ROLE = "fleetward";
const MARK = "# Written by Fleetward: every connection needs a password (SCRAM). No trust, no peer.";
const HBA = [MARK, "local all all scram-sha-256", "host all all 127.0.0.1/32 scram-sha-256", "host all all ::1/128 scram-sha-256", ""].join("\n");

/** A cluster made before Fleetward locked it down: superuser postgres:postgres, initdb's own pg_hba.conf. */
export function isLegacy(dataDir) {
  const hba = path.join(dataDir, "pg_hba.conf");
  return existsSync(hba) && !readFileSync(hba, "utf8").includes(MARK);
}

/** Our pg_hba.conf, read by the server at start and on reload. */
export function writeHba(dataDir, user) {
  const hba = path.join(dataDir, "pg_hba.conf");
  if (existsSync(hba) && readFileSync(hba, "utf8") === HBA) return;
  writeFileSync(hba, HBA, { mode: 0o600 });
  if (user) chownSync(hba, user.uid, user.gid);
}

/**
 * Sets the superuser's password with the server down, in single-user mode: it takes no connections, so there is no
 * moment when an old, well-known password is accepted from anyone else.
 */
export function resetSuperuserPassword({ postgres, dataDir, user, password }) {
  return new Promise((resolve, reject) => {
    const child = spawn(postgres, ["--single", "-D", dataDir, "-c", "lc_messages=C", "postgres"], {
      ...(user ?? {}),
      env: { ...process.env, LC_MESSAGES: "C" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    for (const s of [child.stdout, child.stderr]) s.on("data", (b) => (out += b));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0 && !/\b(ERROR|FATAL|PANIC):/.test(out)) resolve();
      else reject(new Error(`could not set the Postgres superuser's password (exit ${code}): ${out.trim().slice(-600)}`));
    });
    child.stdin.end(`ALTER ROLE postgres WITH PASSWORD ${literal(password)}\n`);
  });
}

const literal = (s) => `'${String(s).replaceAll("'", "''")}'`;
const ident = (s) => `"${String(s).replaceAll('"', '""')}"`;

/** Hands every object a superuser created (a cluster from before the application had its own role) to the role. */
const OWN_EVERYTHING = `
DO $$
DECLARE r record; me text := current_setting('fleetward.app_role'); mine oid := (SELECT oid FROM pg_roles WHERE rolname = me);
BEGIN
  FOR r IN SELECT n.nspname FROM pg_namespace n
    WHERE n.nspowner <> mine AND n.nspowner <> 'pg_database_owner'::regrole AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  LOOP EXECUTE format('ALTER SCHEMA %I OWNER TO %I', r.nspname, me); END LOOP;
  FOR r IN SELECT c.oid::regclass AS obj, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relowner <> mine AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
        AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i'))))
  LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I', CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
      WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.obj, me);
  END LOOP;
  FOR r IN SELECT t.oid::regtype AS obj FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE t.typowner <> mine AND t.typtype IN ('e', 'd', 'r') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
  LOOP EXECUTE format('ALTER TYPE %s OWNER TO %I', r.obj, me); END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS obj FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE p.proowner <> mine AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  LOOP EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.obj, me); END LOOP;
END $$`;

async function withClient(url, fn) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * As the superuser: the application's role (LOGIN and nothing else, its password set to `password` every time, so
 * the file that keeps it is the truth) and database `db`, owned by it with everything in it.
 */
export async function grantApplication({ adminUrl, db, password }) {
  const attrs = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";
  await withClient(urlFor(adminUrl, "postgres"), async (c) => {
    const exists = (await c.query("select 1 from pg_roles where rolname = $1", [APP_ROLE])).rowCount > 0;
    await c.query(`${exists ? "ALTER" : "CREATE"} ROLE ${ident(APP_ROLE)} WITH ${attrs} PASSWORD ${literal(password)}`);
    const has = (await c.query("select 1 from pg_database where datname = $1", [db])).rowCount > 0;
    await c.query(has ? `ALTER DATABASE ${ident(db)} OWNER TO ${ident(APP_ROLE)}` : `CREATE DATABASE ${ident(db)} OWNER ${ident(APP_ROLE)}`);
    await c.query(`REVOKE ALL ON DATABASE ${ident(db)} FROM PUBLIC`);
    await c.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(db)} TO ${ident(APP_ROLE)}`);
  });
  await withClient(urlFor(adminUrl, db), async (c) => {
    await c.query(`SELECT set_config('fleetward.app_role', $1, false)`, [APP_ROLE]);
    await c.query(OWN_EVERYTHING);
  });
}

/** The same server, another database. */
export function urlFor(url, db) {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(db)}`;
  return u.toString();
}

/** postgresql://role:password@127.0.0.1:port/db */
export const pgUrl = ({ role, password, port, db }) =>
  `postgresql://${encodeURIComponent(role)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(db)}`;
