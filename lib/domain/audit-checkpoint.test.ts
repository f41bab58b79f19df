import { describe, expect, it } from "vitest";
import { checkpointLine, newestCheckpoint, readCheckpointLine, signCheckpoint } from "./audit-checkpoint";

const K1 = { id: "master:11111111", key: Buffer.alloc(32, 1) };
const K2 = { id: "audit:22222222", key: Buffer.alloc(32, 2) };
const held = new Map([[K1.id, K1.key]]);
const cp = (headId: string, count: number) => signCheckpoint({ headId, headHash: "a".repeat(64), count, at: "2026-01-02T00:00:00.000Z", keyId: K1.id }, K1.key);

describe("audit checkpoints", () => {
  it("round-trips a line and verifies its MAC", () => {
    const line = checkpointLine(cp("42", 40));
    expect(line.endsWith("\n")).toBe(true);
    expect(readCheckpointLine(line, held)).toEqual({ ok: true, checkpoint: cp("42", 40) });
  });

  it("refuses a line whose fields were changed, one under a key not held, and one that does not parse", () => {
    const forged = { ...cp("42", 40), count: 41 };
    expect(readCheckpointLine(JSON.stringify(forged), held)).toEqual({ ok: false, reason: "forged" });
    const other = signCheckpoint({ headId: "42", headHash: "a".repeat(64), count: 40, at: "2026-01-02T00:00:00.000Z", keyId: K2.id }, K2.key);
    expect(readCheckpointLine(JSON.stringify(other), held)).toEqual({ ok: false, reason: "unheld", keyId: K2.id });
    // A MAC made with another key under a held key's id.
    expect(readCheckpointLine(JSON.stringify({ ...other, keyId: K1.id }), held)).toEqual({ ok: false, reason: "forged" });
    expect(readCheckpointLine('{"v":1,"headId":"4', held)).toEqual({ ok: false, reason: "unreadable" });
    expect(readCheckpointLine(JSON.stringify({ ...cp("42", 40), extra: 1 }), held)).toEqual({ ok: false, reason: "unreadable" });
  });

  it("takes the newest line that verifies, counting those passed over", () => {
    const lines = [cp("10", 10), cp("20", 20)].map(checkpointLine).join("").split("\n");
    lines.push(JSON.stringify({ ...cp("30", 30), mac: "0".repeat(64) }), '{"cut', "");
    expect(newestCheckpoint(lines, held)).toEqual({ checkpoint: cp("20", 20), skipped: { unreadable: 1, forged: 1, unheld: 0 } });
    expect(newestCheckpoint([], held)).toEqual({ checkpoint: null, skipped: { unreadable: 0, forged: 0, unheld: 0 } });
  });
});
