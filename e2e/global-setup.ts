// Creates one user and one API token per role through the real CLI (which tests its output contract too).
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { ROLES } from "@/lib/domain/permissions";
import { STATE_FILE, type TE2EState } from "./state";

const cli = (...args: string[]) => execFileSync("node", ["bin/fleetward.mjs", ...args], { encoding: "utf8" }).trim();

export default async function globalSetup() {
  const run = randomUUID().slice(0, 8);
  const state = { users: {}, tokens: {} } as TE2EState;
  for (const role of ROLES) {
    const email = `${role.toLowerCase()}-${run}@e2e.test`;
    const out = cli("user", "create", "--email", email, "--role", role);
    state.users[role] = { email, password: out.split("\n").at(-1)! };
    const tokenOut = cli("token", "create", "--name", `e2e-${role.toLowerCase()}-${run}`, "--role", role);
    state.tokens[role] = tokenOut.split("\n").at(-1)!;
  }
  mkdirSync("test-results", { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(state), { mode: 0o600 });
}
