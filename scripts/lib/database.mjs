// Where Fleetward's Postgres is: DATABASE_URL when set; otherwise the embedded server under .data/pg,
// reused if it is already running (quickstart), started for the duration of a command if not.
import { existsSync, readFileSync } from "node:fs";
import { portOpen, startEmbeddedPg } from "./embedded-pg.mjs";

export const EMBEDDED_DIR = ".data/pg";
export const embeddedPort = () => Number(process.env.FLEETWARD_PG_PORT ?? 54320);

/** The port in the embedded server's pid file (its fourth line), when there is one. */
function runningPort() {
  try {
    return Number(readFileSync(`${EMBEDDED_DIR}/postmaster.pid`, "utf8").split("\n")[3]) || null;
  } catch {
    return null;
  }
}

/** @returns {Promise<{url: string, stop: () => Promise<void>, embedded: boolean}>} */
export async function resolveDatabase({ mustExist = false } = {}) {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {}, embedded: false };
  const port = embeddedPort();
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/fleetward`;
  if (await portOpen(port)) return { url, stop: async () => {}, embedded: true };
  // Already running on another port (quickstart with FLEETWARD_PG_PORT): its pid file names the port.
  const running = runningPort();
  if (running && running !== port && (await portOpen(running))) {
    return { url: `postgresql://postgres:postgres@127.0.0.1:${running}/fleetward`, stop: async () => {}, embedded: true };
  }
  if (mustExist && !existsSync(`${EMBEDDED_DIR}/PG_VERSION`)) {
    throw new Error("no database yet: run `npm run quickstart` first, or set DATABASE_URL");
  }
  const pg = await startEmbeddedPg({ dir: EMBEDDED_DIR, port });
  return { url: pg.url, stop: pg.stop, embedded: true };
}
