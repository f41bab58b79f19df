import { describe, expect, it } from "vitest";
import { emptyLoad, HOUR_MS, mergeLoad, readLoadTopic, type TLoadSample } from "./broker-load";

const sample = (at: number, msgIn = 1): TLoadSample => ({ at, msgIn, msgOut: 0, bytesIn: 0, bytesOut: 0, clients: 0 });

describe("broker load", () => {
  it("reads $SYS 1-minute averages as per-second rates, and clients as they are", () => {
    const v = emptyLoad();
    expect(readLoadTopic(v, "$SYS/broker/load/messages/received/1min", "120.00")).toBe(true);
    expect(readLoadTopic(v, "$SYS/broker/clients/connected", "7")).toBe(true);
    expect(readLoadTopic(v, "$SYS/broker/load/bytes/sent/1min", "junk")).toBe(true);
    expect(readLoadTopic(v, "$SYS/broker/uptime", "5 seconds")).toBe(false);
    expect(v).toEqual({ msgIn: 2, msgOut: 0, bytesIn: 0, bytesOut: 0, clients: 7 });
  });

  it("puts the agent's hour before the page's own samples and drops what is older than an hour", () => {
    const now = 10 * HOUR_MS;
    const history = [sample(now - HOUR_MS - 1), sample(now - 600_000), sample(now - 30_000), sample(now - 1_000)];
    const own = [sample(now - 20_000, 5), sample(now - 15_000, 6)];
    expect(mergeLoad(history, own, now).map((s) => s.at)).toEqual([now - 600_000, now - 30_000, now - 20_000, now - 15_000]);
    expect(mergeLoad(history, [], now)).toHaveLength(3);
    expect(mergeLoad([], own, now)).toEqual(own);
  });
});
