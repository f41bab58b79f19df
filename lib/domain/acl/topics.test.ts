import { describe, expect, it } from "vitest";
import { filterMatches, topicFilterProblem, topicNameProblem } from "./topics";

describe("topic names and filters", () => {
  it("names each invalid form", () => {
    expect(topicNameProblem("")).toBe("must not be empty");
    expect(topicNameProblem("a/\u0000")).toBe("must not contain U+0000");
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
