// Prisma CLI config: JS engine + adapter-pg, so migrations run with no engine download.
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";

// Prisma skips .env when a config file exists, and an unresolvable DATABASE_URL makes it try a binary download.
if (existsSync(".env.local")) process.loadEnvFile(".env.local");
// The default is the embedded server's application role, whose password quickstart keeps in .env.local.
process.env.DATABASE_URL ??= `postgresql://fleetward:${encodeURIComponent(process.env.FLEETWARD_PG_PASSWORD ?? "")}@127.0.0.1:${process.env.FLEETWARD_PG_PORT ?? 54320}/fleetward`;

// The WASM schema engine leaves 10 s / 60 s timers behind; unref them so commands exit when done.
const realSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const t = realSetTimeout(fn, ms, ...args);
  if ((ms ?? 0) >= 10_000) t.unref();
  return t;
}) as typeof setTimeout;

const url = process.env.DATABASE_URL;

// Discrete fields: a connectionString would override `database` and the shadow DB would become the main one.
function pgConfig(database?: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: database ?? u.pathname.slice(1),
    allowExitOnIdle: true,
  };
}

// prisma/orm#27403: adapter-pg cannot map catalog types such as `name` and "char"; report them as text.
const TEXT_LIKE = new Set([18, 19, 22, 24, 30, 194, 2205, 2206]);
type Queryable = {
  client: { query: (sql: string) => Promise<unknown> };
  performIO: (q: unknown) => Promise<{ fields?: { dataTypeID: number }[] }>;
  executeScript: (script: string) => Promise<void>;
  startTransaction?: (...a: unknown[]) => Promise<unknown>;
};
function patchTypes<T>(q: T): T {
  const a = q as unknown as Queryable;
  // adapter-pg splits scripts on every ";", which breaks function bodies: send the script as one simple query.
  if (a.client && typeof a.executeScript === "function") a.executeScript = async (script) => void (await a.client.query(script));
  const io = a.performIO.bind(a);
  a.performIO = async (query) => {
    const r = await io(query);
    for (const f of r?.fields ?? []) {
      if (TEXT_LIKE.has(f.dataTypeID)) f.dataTypeID = 25;
      else if (f.dataTypeID === 1003) f.dataTypeID = 1009;
    }
    return r;
  };
  if (typeof a.startTransaction === "function") {
    const st = a.startTransaction.bind(a);
    a.startTransaction = async (...args: unknown[]) => patchTypes(await st(...args));
  }
  return q;
}

function migrationAdapter() {
  const base = new PrismaPg(pgConfig());
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => patchTypes(await base.connect()),
    // adapter-pg 6.19 drops the shadow DB before closing its pool; do it in the right order.
    connectToShadowDb: async () => {
      const main = await base.connect();
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      await main.executeScript(`CREATE DATABASE "${name}"`);
      const shadow = patchTypes(await new PrismaPg(pgConfig(name)).connect());
      const dispose = shadow.dispose.bind(shadow);
      Object.assign(shadow, {
        dispose: async () => {
          await dispose();
          await main.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          await main.dispose();
        },
      });
      return shadow;
    },
  };
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  adapter: async () => migrationAdapter() as any,
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
