// Brute-force policy for sign-in: pure, so the rule is the same in the service, the tests and the docs.
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const LOCKOUT_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 20;

/**
 * Given the times of failed attempts (any order) for one account or IP, returns until when further attempts are
 * refused, or null. A lock starts at the failure that reaches `limit` failures within the window and lasts
 * LOCKOUT_MS from then.
 */
export function lockedUntil(failures: readonly Date[], limit: number, now: Date): Date | null {
  const times = failures.map((d) => d.getTime()).sort((a, b) => a - b);
  let until: number | null = null;
  for (let i = limit - 1; i < times.length; i++) {
    const first = times[i - (limit - 1)]!;
    const last = times[i]!;
    if (last - first <= LOGIN_WINDOW_MS) until = Math.max(until ?? 0, last + LOCKOUT_MS);
  }
  return until !== null && until > now.getTime() ? new Date(until) : null;
}

/** Minutes (rounded up, at least 1) until `until`. */
export function minutesUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
}
