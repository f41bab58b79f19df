import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countRequest, WindowCounter } from "./rate-limit";

describe("fixed-window rate limit", () => {
  it("allows `limit` requests in a window, refuses the next with the seconds left, and starts afresh after it", () => {
    const c = new WindowCounter(3, 60_000);
    expect([c.hit("t", 0), c.hit("t", 1_000), c.hit("t", 2_000)]).toEqual([null, null, null]);
    expect(c.hit("t", 30_500)).toBe(30);
    expect(c.hit("other", 30_500)).toBeNull();
    expect(c.hit("t", 59_999)).toBe(1);
    expect(c.hit("t", 60_000)).toBeNull();
  });

  it("keeps at most maxKeys windows, dropping the oldest", () => {
    const c = new WindowCounter(1, 60_000, 2);
    c.hit("a", 0);
    c.hit("b", 0);
    c.hit("c", 0);
    expect(c.hit("a", 1)).toBeNull(); // forgotten, so counted afresh
    expect(c.hit("c", 1)).toBe(60);
  });

  it("never lets more than `limit` requests through in one window, whatever their times", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 200 }), (limit, gaps) => {
        let w;
        let now = 0;
        const passedPerWindow = new Map<number, number>();
        for (const g of gaps) {
          now += g;
          const r = countRequest(w, now, limit, 5_000);
          w = r.window;
          expect(now - w.start).toBeLessThan(5_000);
          if (r.retryAfterSeconds === null) passedPerWindow.set(w.start, (passedPerWindow.get(w.start) ?? 0) + 1);
          else expect(r.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        }
        for (const n of passedPerWindow.values()) expect(n).toBeLessThanOrEqual(limit);
      }),
    );
  });
});
