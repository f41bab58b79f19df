import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TopicRates } from "./topic-rates";

const T0 = 1_700_000_000_000;

describe("per-topic rates", () => {
  it("count messages per second over the window, busiest first", () => {
    const r = new TopicRates(10, 10);
    for (let i = 0; i < 100; i++) r.record("devices/a/t", "b1", 10, T0 + i * 100); // 10 s at 10/s
    for (let i = 0; i < 10; i++) r.record("devices/b/t", "b2", 5, T0 + i * 1000); // 10 s at 1/s
    const [a, b] = r.rows(T0 + 9_999);
    expect(a).toMatchObject({ topic: "devices/a/t", perSecond: 10, messages: 100, bytes: 1000, brokers: ["b1"] });
    expect(b).toMatchObject({ topic: "devices/b/t", perSecond: 1, messages: 10 });
  });

  it("fall to zero when a topic goes quiet, and keep its totals", () => {
    const r = new TopicRates(10, 10);
    for (let i = 0; i < 50; i++) r.record("x", "b1", 1, T0 + i * 10);
    expect(r.rows(T0 + 30_000)[0]).toMatchObject({ perSecond: 0, messages: 50 });
    r.record("x", "b1", 1, T0 + 30_000);
    expect(r.rows(T0 + 30_500)[0]!.perSecond).toBeCloseTo(0.1);
  });

  it("a new topic is rated over the time it has been seen", () => {
    const r = new TopicRates(10, 10);
    for (let i = 0; i < 100; i++) r.record("burst", "b1", 1, T0 + i);
    expect(r.rows(T0 + 500)[0]!.perSecond).toBe(100);
  });

  it("follow at most `cap` topics whatever arrives, dropping the least recently seen", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 100_000 })), { maxLength: 300 }), (events) => {
        const r = new TopicRates(8, 10);
        let at = T0;
        for (const [t, dt] of events) r.record(`t/${t}`, "b", 1, (at += dt));
        expect(r.size).toBeLessThanOrEqual(8);
        const rows = r.rows(at);
        expect(rows.every((x) => x.perSecond >= 0 && x.perSecond <= x.messages)).toBe(true);
        if (events.length) expect(rows.some((x) => x.topic === `t/${events.at(-1)![0]}`)).toBe(true);
      }),
    );
    const r = new TopicRates(2, 10);
    r.record("a", "b", 1, T0);
    r.record("b", "b", 1, T0 + 1);
    r.record("a", "b", 1, T0 + 2);
    r.record("c", "b", 1, T0 + 3);
    expect(r.rows(T0 + 4).map((x) => x.topic).sort()).toEqual(["a", "c"]);
    expect(r.evicted).toBe(1);
  });
});
