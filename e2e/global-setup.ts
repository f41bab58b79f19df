// Starts a real 3-broker fleet with agents and a sync worker, and creates one user and one API token per role
// through the real CLI (which tests its output contract too). Returns the teardown.
import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, openSync, writeFileSync } from "node:fs";
import { ROLES } from "@/lib/domain/permissions";
import { FLEET_DIR, STATE_FILE, type TE2EState } from "./state";

const cli = (...args: string[]) => execFileSync("node", ["bin/fleetward.mjs", ...args], { encoding: "utf8" }).trim();

export default async function globalSetup() {
  mkdirSync("test-results", { recursive: true });
  cli("fleet", "up", "--brokers", "3", "--prefix", "e2e", "--dir", FLEET_DIR);
  const log = openSync("test-results/worker.log", "a");
  const worker = spawn("node", ["bin/fleetward.mjs", "worker"], { stdio: ["ignore", log, log] });

  const run = randomUUID().slice(0, 8);
  const state = { users: {}, tokens: {} } as TE2EState;
  for (const role of ROLES) {
    const email = `${role.toLowerCase()}-${run}@e2e.test`;
    state.users[role] = { email, password: cli("user", "create", "--email", email, "--role", role).split("\n").at(-1)! };
    state.tokens[role] = cli("token", "create", "--name", `e2e-${role.toLowerCase()}-${run}`, "--role", role).split("\n").at(-1)!;
  }
  writeFileSync(STATE_FILE, JSON.stringify(state), { mode: 0o600 });

  return async () => {
    worker.kill("SIGTERM");
    await new Promise((r) => worker.once("exit", r));
    cli("fleet", "down", "--dir", FLEET_DIR);
  };
}
