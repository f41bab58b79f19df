import { describe, expect, it } from "vitest";
import { filterMatches, topicFilterProblem, topicNameProblem } from "./topics";

describe("topic names and filters", () => {
  it("names each invalid form", () => {
    expect(topicNameProblem("")).toBe("must not be empty");
    expect(topicNameProblem("a/\u0000")).toBe("must not contain control characters (U+0000-U+001F, U+007F)");
    // Each control character, anywhere: a line feed would end a line of the broker's acl file.
    for (const c of [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), "\u007f"]) {
      expect(topicFilterProblem(`devices/x${c}/#`), `U+${c.charCodeAt(0).toString(16)}`).toMatch(/control characters/);
      expect(topicNameProblem(`${c}a`), `U+${c.charCodeAt(0).toString(16)}`).toMatch(/control characters/);
    }
    expect(topicFilterProblem("devices/${clientId}/x\nuser pt-b\ntopic readwrite fleetward/#")).toMatch(/control characters/);
    for (const ok of ["a\u0080b", "a b", "\u00a0"]) expect(topicNameProblem(ok), ok).toBeNull();
    expect(topicNameProblem("a/+")).toMatch(/wildcards/);
    expect(topicNameProblem("x".repeat(65_536))).toMatch(/65535 bytes/);
    expect(topicNameProblem("é".repeat(32_768))).toMatch(/65535 bytes/);
    expect(topicNameProblem("a\uD800b")).toMatch(/lone surrogate/);
    expect(topicFilterProblem("a/#/b")).toMatch(/# only as the whole last level/);
    expect(topicFilterProblem("a/b#")).toMatch(/# only as the whole last level/);
    expect(topicFilterProblem("a/b+/c")).toMatch(/\+ only as a whole level/);
    for (const ok of ["#", "+", "a/+/c", "a/#", "/", "$SYS/#", "a//b", "😀/+"]) expect(topicFilterProblem(ok), ok).toBeNull();
    for (const ok of ["a", "/", "$SYS/broker", "a//b", "😀"]) expect(topicNameProblem(ok), ok).toBeNull();
  });

  it("matches as Mosquitto does, $ topics not by leading wildcards", () => {
    const cases: [string, string, boolean][] = [
      ["a/#", "a", true],
      ["a/#", "a/b/c", true],
      ["a/+", "a", false],
      ["a/+", "a/b", true],
      ["a/+", "a/b/c", false],
      ["+/+", "/x", true],
      ["#", "$SYS/broker", false],
      ["+/broker", "$SYS/broker", false],
      ["$SYS/#", "$SYS/broker", true],
      ["a/b", "a/b", true],
      ["a/b", "a/b/", false],
    ];
    for (const [f, t, want] of cases) expect(filterMatches(f, t), `${f} ~ ${t}`).toBe(want);
  });
});
