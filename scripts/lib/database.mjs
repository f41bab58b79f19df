// Where Fleetward's Postgres is: DATABASE_URL when set; otherwise the embedded server with its data in .data/pg (or
// where the postgres user can reach it), reused if it is already running (quickstart), started for the duration of
// a command if not. Its two passwords (superuser, application role) are generated once into .env.local.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { newPassword, portOpen, startEmbeddedPg } from "./embedded-pg.mjs";
import { APP_ROLE, pgUrl } from "./pg-access.mjs";
import { dataDirFor, serverUser } from "./pg-runtime.mjs";
import { ensureLocalEnv, readLocalEnv } from "./setup.mjs";

export const EMBEDDED_DIR = ".data/pg";
export const embeddedPort = () => Number(process.env.FLEETWARD_PG_PORT ?? 54320);

/** The embedded server's passwords, kept in .env.local: the superuser's (set-up only) and the application role's. */
export const PG_SECRETS = { FLEETWARD_PG_SUPERUSER_PASSWORD: newPassword, FLEETWARD_PG_PASSWORD: newPassword };

/** The port in the embedded server's pid file (its fourth line), when there is one. */
function runningPort(dataDir) {
  try {
    return Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[3]) || null;
  } catch {
    return null;
  }
}

/** @returns {Promise<{url: string, stop: () => Promise<void>, embedded: boolean, dataDir?: string}>} */
export async function resolveDatabase({ mustExist = false } = {}) {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {}, embedded: false };
  const { dataDir } = dataDirFor(serverUser(), EMBEDDED_DIR);
  const hadSecrets = Boolean(readLocalEnv().FLEETWARD_PG_PASSWORD);
  const env = ensureLocalEnv(".env.local", PG_SECRETS);
  const secrets = { superuser: env.FLEETWARD_PG_SUPERUSER_PASSWORD, app: env.FLEETWARD_PG_PASSWORD };
  // Already running, on our port or on the one its pid file names (quickstart with FLEETWARD_PG_PORT).
  const port = embeddedPort();
  const running = runningPort(dataDir);
  const live = (await portOpen(port)) ? port : running && (await portOpen(running)) ? running : null;
  if (live) {
    if (!hadSecrets) {
      throw new Error(`the database on port ${live} was started by an earlier Fleetward: stop it and run \`npm run quickstart\` again (it secures the database)`);
    }
    return { url: pgUrl({ role: APP_ROLE, password: secrets.app, port: live, db: "fleetward" }), stop: async () => {}, embedded: true, dataDir };
  }
  if (mustExist && !existsSync(path.join(dataDir, "PG_VERSION"))) {
    throw new Error("no database yet: run `npm run quickstart` first, or set DATABASE_URL");
  }
  const pg = await startEmbeddedPg({ dir: EMBEDDED_DIR, port, secrets });
  return { url: pg.url, stop: pg.stop, embedded: true, dataDir: pg.dataDir };
}
