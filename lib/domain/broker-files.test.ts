import { describe, expect, it } from "vitest";
import { applyLinePatch, joinLines, linePatch, sha256 } from "./broker-files";

describe("line patches of passwd and psk", () => {
  const prev = joinLines(["b:2", "a:1", "c:3"]);
  const next = joinLines(["a:1", "c:33", "d:4"]);

  it("travel as the lines removed and added and rebuild the exact file", () => {
    const patch = linePatch(prev, next);
    expect(patch).toEqual({ base: sha256(prev), remove: ["b:2", "c:3"], add: ["c:33", "d:4"], result: sha256(next) });
    expect(applyLinePatch(prev, patch)).toBe(next);
    expect(next).toBe("a:1\nc:33\nd:4\n");
  });

  it("do not apply to another file, nor give anything but the promised result", () => {
    const patch = linePatch(prev, next);
    expect(applyLinePatch(joinLines(["a:1"]), patch)).toBeNull();
    expect(applyLinePatch(prev, { ...patch, add: ["x:9"] })).toBeNull();
    expect(applyLinePatch("", linePatch("", next))).toBe(next);
  });
});
