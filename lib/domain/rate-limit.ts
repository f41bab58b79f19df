// Fixed-window request counting: pure, so the rule is the same in the server, the tests and the docs.

export type TWindow = { start: number; count: number };

/**
 * Counts one request at `now` against `limit` per `windowMs`. Returns the window to keep and, when the request is
 * over the limit, the whole seconds until the window ends (at least 1).
 */
export function countRequest(current: TWindow | undefined, now: number, limit: number, windowMs: number): { window: TWindow; retryAfterSeconds: number | null } {
  const window = !current || now - current.start >= windowMs ? { start: now, count: 1 } : { start: current.start, count: current.count + 1 };
  const retryAfterSeconds = window.count > limit ? Math.max(1, Math.ceil((window.start + windowMs - now) / 1000)) : null;
  return { window, retryAfterSeconds };
}

/** A bounded set of windows by key (least recently started dropped first), for one process's counts. */
export class WindowCounter {
  private readonly windows = new Map<string, TWindow>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts a request; returns seconds to wait when it is over the limit, else null. */
  hit(key: string, now: number): number | null {
    const { window, retryAfterSeconds } = countRequest(this.windows.get(key), now, this.limit, this.windowMs);
    this.windows.delete(key);
    this.windows.set(key, window);
    if (this.windows.size > this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
    return retryAfterSeconds;
  }
}
