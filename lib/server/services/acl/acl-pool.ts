import "server-only";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { AppError } from "../../errors";
import type { TAclJob, TAclJobReply, TAclJobResult } from "./acl-jobs";

/**
 * Threads for ad hoc ACL evaluation, per replica: all cores but one for requests, at most two. A large lint takes
 * most of a second of one core; on the request thread it once delayed /health by seconds.
 */
const THREADS = Math.max(1, Math.min(2, availableParallelism() - 1));
/** Jobs waiting beyond the threads; past this the replica answers 503 (each principal may hold only a few). */
const MAX_WAITING = 64;
/** An evaluation within the work limits ends in about a second; one that does not is cut and its thread replaced. */
const DEADLINE_MS = 15_000;

type TTask = { id: number; job: TAclJob; resolve: (r: unknown) => void; reject: (e: unknown) => void };
type TThread = { worker: Worker; task: TTask | null; timer: NodeJS.Timeout | null };

const busy = (message: string) => new AppError("UNAVAILABLE", message, undefined, 1);

class AclPool {
  private readonly threads: TThread[] = [];
  private readonly waiting: TTask[] = [];
  private nextId = 1;

  run<J extends TAclJob>(job: J): Promise<TAclJobResult<J>> {
    if (this.waiting.length >= MAX_WAITING) return Promise.reject(busy("The server is busy with other ACL evaluations: retry in a moment."));
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, job, resolve: resolve as (r: unknown) => void, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.waiting.length) {
      const thread = this.threads.find((t) => !t.task) ?? (this.threads.length < THREADS ? this.spawn() : null);
      if (!thread) return;
      const task = this.waiting.shift()!;
      thread.task = task;
      thread.timer = setTimeout(() => this.fail(thread, busy("The ACL evaluation took too long and was stopped.")), DEADLINE_MS);
      thread.worker.postMessage({ id: task.id, job: task.job });
    }
  }

  private spawn(): TThread {
    // Written out in full so that the bundler builds the worker as an entry of its own.
    const worker = new Worker(new URL("./acl-worker.ts", import.meta.url));
    worker.unref();
    const thread: TThread = { worker, task: null, timer: null };
    worker.on("message", (reply: TAclJobReply) => {
      const task = thread.task;
      if (!task || task.id !== reply.id) return;
      this.settle(thread);
      if (reply.ok) task.resolve(reply.result);
      else task.reject(new Error(`ACL evaluation failed: ${reply.error}`));
      this.dispatch();
    });
    worker.on("error", (e) => this.fail(thread, e));
    worker.on("exit", () => this.fail(thread, new Error("the ACL evaluation thread exited")));
    this.threads.push(thread);
    return thread;
  }

  private settle(thread: TThread): void {
    if (thread.timer) clearTimeout(thread.timer);
    thread.timer = null;
    thread.task = null;
  }

  /** Fails the thread's task and replaces the thread. */
  private fail(thread: TThread, error: unknown): void {
    const task = thread.task;
    this.settle(thread);
    const i = this.threads.indexOf(thread);
    if (i < 0) return;
    this.threads.splice(i, 1);
    void thread.worker.terminate();
    task?.reject(error);
    this.dispatch();
  }
}

const globalForPool = globalThis as unknown as { fleetwardAclPool?: AclPool };

/** Runs one ACL job on an evaluation thread. */
export const runAclJob = <J extends TAclJob>(job: J): Promise<TAclJobResult<J>> => (globalForPool.fleetwardAclPool ??= new AclPool()).run(job);
