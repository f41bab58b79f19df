// Gives one process a CPU core of its own for a measurement: every other process on the machine is moved to the
// remaining cores (children inherit that), so what the process shows is its own cost, not contention.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import os from "node:os";
import { TOOL_TIMEOUT_MS } from "./children";

function pin(pid: number, cpus: string): void {
  try {
    execFileSync("taskset", ["-a", "-p", "-c", cpus, String(pid)], { stdio: "ignore", timeout: TOOL_TIMEOUT_MS, killSignal: "SIGKILL" });
  } catch {
    // Kernel threads and processes that exited meanwhile cannot be moved: they do not matter here.
  }
}

/** Null on a single-core machine. */
export function isolateOnOwnCore(pid: number): { restore: () => void } | null {
  const last = os.cpus().length - 1;
  if (last < 1) return null;
  const others = last === 1 ? "0" : `0-${last - 1}`;
  const pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => p !== pid);
  for (const p of pids) pin(p, others);
  pin(pid, String(last));
  return {
    restore: () => {
      for (const p of readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number)) pin(p, `0-${last}`);
    },
  };
}
