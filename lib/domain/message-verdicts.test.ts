import { describe, expect, it } from "vitest";
import { decodeVerdicts, encodeVerdicts, VERDICT_WAIT_MS, VerdictMatcher, verdictRows, type TVerdictRow, type TVerdictState } from "./message-verdicts";

const row = (h: string, s: TVerdictRow["s"]): TVerdictRow => ({ h, t: "t/1", s, r: null, d: "dev-1", c: 1, k: "sk" });
const msg = (digest: string, at = 0) => ({ topic: "t/1", digest, at, verdict: "none" as TVerdictState });

describe("VerdictMatcher", () => {
  it("pairs messages and verdicts whichever comes first, copies of one payload in order", () => {
    const v = new VerdictMatcher<ReturnType<typeof msg>>();
    const a = msg("A");
    v.message(a);
    expect(a.verdict).toBe("pending");
    v.verdict(row("A", "valid"), 0);
    expect(a.verdict).toMatchObject({ s: "valid" });
    v.verdict(row("B", "valid"), 0);
    v.verdict(row("B", "replayed"), 0);
    const [b1, b2] = [msg("B"), msg("B")];
    v.message(b1);
    v.message(b2);
    expect([b1.verdict, b2.verdict]).toMatchObject([{ s: "valid" }, { s: "replayed" }]);
  });

  it("gives up on a message with no verdict, and forgets a verdict with no message, after the wait", () => {
    const v = new VerdictMatcher<ReturnType<typeof msg>>();
    const late = msg("C", 0);
    v.message(late);
    v.verdict(row("D", "invalid"), 0);
    v.expire(VERDICT_WAIT_MS + 1);
    expect(late.verdict).toBe("none");
    const d = msg("D", VERDICT_WAIT_MS + 1);
    v.message(d);
    expect(d.verdict).toBe("pending");
  });
});

describe("verdict batches", () => {
  it("round-trip their wire form and drop malformed rows", () => {
    const json = JSON.stringify({ v: [row("A", "valid"), { h: 1 }] });
    const d = decodeVerdicts(encodeVerdicts("k1:2026-11-22", "mac", json))!;
    expect(d).toEqual({ keyId: "k1:2026-11-22", mac: "mac", json });
    expect(verdictRows(d.json)).toEqual([row("A", "valid")]);
    expect(decodeVerdicts("nonsense")).toBeNull();
    expect(verdictRows("{")).toEqual([]);
  });
});
