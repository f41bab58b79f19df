import { describe, expect, it } from "vitest";
import { LOCKOUT_MS, lockedUntil, LOGIN_WINDOW_MS, minutesUntil } from "./login-throttle";

const t0 = new Date("2026-01-01T08:00:00Z").getTime();
const mins = (m: number) => new Date(t0 + m * 60_000);

describe("lockedUntil", () => {
  it("does not lock below the limit", () => {
    expect(lockedUntil([mins(0), mins(1), mins(2), mins(3)], 5, mins(4))).toBeNull();
  });
  it("locks for 15 minutes from the failure that reaches the limit within 15 minutes", () => {
    const failures = [mins(0), mins(1), mins(2), mins(3), mins(4)];
    expect(lockedUntil(failures, 5, mins(5))?.getTime()).toBe(mins(4).getTime() + LOCKOUT_MS);
    expect(lockedUntil(failures, 5, mins(4 + 15))).toBeNull();
  });
  it("ignores failures spread wider than the window", () => {
    const failures = [0, 4, 8, 12, 16].map(mins);
    expect(LOGIN_WINDOW_MS).toBe(15 * 60_000);
    expect(lockedUntil(failures, 5, mins(17))).toBeNull();
  });
  it("accepts failures in any order", () => {
    expect(lockedUntil([mins(4), mins(0), mins(2), mins(1), mins(3)], 5, mins(5))).not.toBeNull();
  });
  it("rounds the remaining time up to whole minutes", () => {
    expect(minutesUntil(new Date(t0 + 61_000), new Date(t0))).toBe(2);
    expect(minutesUntil(new Date(t0), new Date(t0))).toBe(1);
  });
});
