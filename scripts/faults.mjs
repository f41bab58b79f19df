// npm run test:faults [-- vitest options, e.g. -t name]: the faults suite at full size (npm test runs it shortened). It starts everything it hurts
// itself: its own embedded Postgres, two replicas of the production build behind one port, two workers, three brokers.
import { randomBytes } from "node:crypto";
import { run } from "./lib/run.mjs";
import { buildIfStale, ensureDependencies } from "./lib/setup.mjs";

ensureDependencies();
buildIfStale();
try {
  run("node_modules/.bin/vitest", ["run", "--project", "faults", ...process.argv.slice(2)], {
    env: {
      AUTH_SECRET: randomBytes(33).toString("base64"),
      FLEETWARD_MASTER_KEY: randomBytes(32).toString("base64"),
      AUTH_TRUST_HOST: "true",
      FLEETWARD_FAULTS: "full",
      ...process.env,
    },
  });
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
