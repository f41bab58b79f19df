// node scripts/with-db.mjs <cmd> [args…]: runs one command against a fresh, migrated embedded Postgres
// (or DATABASE_URL when set). Used by the single-suite npm scripts. DATABASE_URL is the application role's;
// FLEETWARD_TEST_PG_ADMIN_URL the embedded server's superuser.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startTestDatabase } from "./lib/embedded-pg.mjs";
import { run } from "./lib/run.mjs";
import { migrate } from "./lib/setup.mjs";

const pg = await startTestDatabase();
let code = 0;
try {
  migrate(pg.url);
  const [cmd, ...args] = process.argv.slice(2);
  run(cmd.includes("/") ? cmd : `node_modules/.bin/${cmd}`, args, {
    env: {
      AUTH_SECRET: randomBytes(33).toString("base64"),
      FLEETWARD_MASTER_KEY: randomBytes(32).toString("base64"),
      AUTH_TRUST_HOST: "true",
      ...process.env,
      DATABASE_URL: pg.url,
      // The superuser, for the few tests that must act behind the application's back (it never reaches the app).
      ...(pg.adminUrl ? { FLEETWARD_TEST_PG_ADMIN_URL: pg.adminUrl } : {}),
      // The audit chain's checkpoints belong with this run's database, not with an installation's.
      FLEETWARD_AUDIT_CHECKPOINT_FILE: path.join(mkdtempSync(path.join(os.tmpdir(), "fleetward-audit-")), "checkpoints.jsonl"),
    },
  });
} catch (e) {
  console.error(e.message);
  code = 1;
} finally {
  await pg.stop();
}
process.exit(code);
