import { describe, expect, it } from "vitest";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, sessionState } from "./session-policy";

const t0 = new Date("2026-01-01T08:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const fresh = { expiresAt: at(SESSION_ABSOLUTE_MS), lastSeenAt: t0, endedAt: null };

describe("sessionState", () => {
  it("is active while used within 30 minutes", () => {
    expect(sessionState(fresh, at(SESSION_IDLE_MS))).toBe("active");
  });
  it("expires after 30 minutes idle", () => {
    expect(sessionState(fresh, at(SESSION_IDLE_MS + 1))).toBe("expired_idle");
  });
  it("expires 8 hours after sign-in even when used constantly", () => {
    const busy = { ...fresh, lastSeenAt: at(SESSION_ABSOLUTE_MS - 1000) };
    expect(sessionState(busy, at(SESSION_ABSOLUTE_MS - 1))).toBe("active");
    expect(sessionState(busy, at(SESSION_ABSOLUTE_MS))).toBe("expired_absolute");
  });
  it("stays ended once ended", () => {
    expect(sessionState({ ...fresh, endedAt: t0 }, t0)).toBe("ended");
  });
});
