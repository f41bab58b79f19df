// Small process helpers shared by the set-up scripts.
import { spawn, spawnSync } from "node:child_process";

/** Runs a command with inherited stdio; throws with its name if it fails. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts });
  if (r.status !== 0) {
    throw new Error(`${[cmd, ...args].join(" ")} failed (exit ${r.status ?? r.signal})`);
  }
}

/** Starts a long-running child; resolves its exit code when it ends. */
export function start(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: "inherit", ...opts });
  const done = new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  return { child, done };
}

export const npx = (bin) => `node_modules/.bin/${bin}`;
