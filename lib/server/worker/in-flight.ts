import "server-only";

/** Thrown by `InFlight.run` once the worker is stopping: the job is not started here, and the queue retries it. */
export class WorkerStopping extends Error {
  constructor() {
    super("the worker is stopping");
  }
}

/**
 * The work this worker is doing (sync jobs, the reconcile), each with a signal that cancels it. The job queue's own
 * account is not enough for a stop: it stops waiting for a handler at the job's deadline while the handler goes on,
 * and a handler still running when the database pool closes can start a transaction that never ends (and holds a
 * connection, so the pool's close never ends either).
 */
export class InFlight {
  #running = new Map<Promise<unknown>, { what: string; abort: AbortController }>();
  #stopping = false;

  get stopping(): boolean {
    return this.#stopping;
  }

  /** What runs now, in words. */
  list(): string[] {
    return [...this.#running.values()].map((r) => r.what);
  }

  /** Runs `fn` as one piece of work; refuses to start once stopping. */
  run<T>(what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.#stopping) return Promise.reject(new WorkerStopping());
    const abort = new AbortController();
    const p = fn(abort.signal);
    const entry = { what, abort };
    const tracked = p.finally(() => this.#running.delete(tracked));
    this.#running.set(tracked, entry);
    // The caller sees the outcome through `p`; the tracked copy must not count as an unhandled rejection.
    tracked.catch(() => undefined);
    return p;
  }

  /**
   * Refuses new work, cancels what runs, and waits until it has settled or `ms` passed. Returns what is still
   * running then (an empty list: everything ended).
   */
  async cancel(ms: number): Promise<string[]> {
    this.#stopping = true;
    for (const r of this.#running.values()) r.abort.abort();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((r) => (timer = setTimeout(r, ms)));
    await Promise.race([Promise.allSettled([...this.#running.keys()]), late]);
    clearTimeout(timer);
    return this.list();
  }
}

/** Resolves true when `p` settles within `ms`, false when it is still pending then. */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), Math.max(0, ms))));
  const done = p.then(
    () => true as const,
    () => true as const,
  );
  const r = await Promise.race([done, late]);
  clearTimeout(timer);
  return r;
}
