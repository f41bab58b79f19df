// When a browser session stops being valid: 30 minutes without a request, or 8 hours after sign-in.
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 8 * 60 * 60_000;

export type TSessionTimes = { expiresAt: Date; lastSeenAt: Date; endedAt: Date | null };
export type TSessionState = "active" | "ended" | "expired_absolute" | "expired_idle";

export function sessionState(s: TSessionTimes, now: Date): TSessionState {
  if (s.endedAt) return "ended";
  if (s.expiresAt.getTime() <= now.getTime()) return "expired_absolute";
  if (now.getTime() - s.lastSeenAt.getTime() > SESSION_IDLE_MS) return "expired_idle";
  return "active";
}
