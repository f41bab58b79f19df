// Every child process a benchmark starts is waited on with a deadline: past it the child is killed and the benchmark
// fails, naming what it waited for. A benchmark that hangs is a failed run, never a silent one.
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** For the broker's own tools (mosquitto_ctrl, taskset): one invocation takes milliseconds. */
export const TOOL_TIMEOUT_MS = 30_000;

/** A child that did not answer, or exit, in time: thrown after it was killed. */
export class ChildDeadlineError extends Error {}

/** Resolves what `p` resolves, unless `ms` pass first: then the child is SIGKILLed and this throws, naming `what`. */
export async function withinDeadline<T>(child: ChildProcess, what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new ChildDeadlineError(`[bench] ${what} (pid ${child.pid}) did not finish within ${ms / 1000} s: killed`));
    }, ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

const gone = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;

/** Resolves once the child has exited (at once if it has). */
export const exitOf = (c: ChildProcess) => (gone(c) ? Promise.resolve() : new Promise<void>((r) => c.once("exit", () => r())));

/** Sends `signal` and waits for the exit, at most `ms`: past it SIGKILL, and a throw naming the child. */
export async function stopChild(child: ChildProcess, what: string, ms = 15_000, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (gone(child)) return;
  const exited = exitOf(child);
  child.kill(signal);
  await withinDeadline(child, `${what}, stopped with ${signal},`, ms, exited);
}

/** This process's descendants (children first), from /proc. */
export function descendants(pid: number): number[] {
  try {
    const kids = readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
    return kids.flatMap((k) => [k, ...descendants(k)]);
  } catch {
    return []; // it ended meanwhile
  }
}

/** SIGKILLs every descendant of this process: a benchmark past its deadline leaves nothing running behind it. */
export function killDescendants(): number[] {
  const pids = descendants(process.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  return pids;
}
