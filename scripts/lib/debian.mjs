// Debian packages the project needs on the machine it runs on: installed with apt-get when run as root (as CI and
// quickstart on a fresh machine are), otherwise named in an error that says how to install them.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { run } from "./run.mjs";

export const hasCommand = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

/** @param {{ pkg: string, present: () => boolean }[]} wanted */
export function ensureDebianPackages(wanted, why) {
  const missing = wanted.filter((w) => !w.present()).map((w) => w.pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing Debian packages (${why}): run 'apt-get install -y ${missing.join(" ")}' as root`);
  console.log(`[fleetward] installing Debian packages (${why}): ${missing.join(" ")}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  run("apt-get", ["update", "-qq"], { env });
  run("apt-get", ["install", "-y", "-qq", ...missing], { env });
}

export const command = (pkg, cmd = pkg) => ({ pkg, present: () => hasCommand(cmd) });
export const file = (pkg, p) => ({ pkg, present: () => existsSync(p) });
