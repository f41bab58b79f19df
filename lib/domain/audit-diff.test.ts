import { describe, expect, it } from "vitest";
import { detailsDiff, otherDetails } from "./audit-diff";

describe("audit details diff", () => {
  it("lays before and after side by side, field by field, marking what changed", () => {
    const rows = detailsDiff({ before: { tags: ["a"], disabled: false, meta: { site: "x" } }, after: { tags: ["a", "b"], disabled: false, meta: { site: "y", line: 2 } } });
    expect(rows).toEqual([
      { path: "disabled", before: "false", after: "false", changed: false },
      { path: "meta.line", before: null, after: "2", changed: true },
      { path: "meta.site", before: '"x"', after: '"y"', changed: true },
      { path: "tags", before: '["a"]', after: '["a","b"]', changed: true },
    ]);
  });

  it("handles a creation (after only) and details without a pair", () => {
    expect(detailsDiff({ after: { email: "a@b.c" } })).toEqual([{ path: "email", before: null, after: '"a@b.c"', changed: true }]);
    expect(detailsDiff({ clientId: "x" })).toBeNull();
    expect(detailsDiff(null)).toBeNull();
  });

  it("never shows a field that looks like a secret", () => {
    const rows = detailsDiff({ before: { passwordHash: "$7$abc" }, after: { passwordHash: "$7$def", pskKey: "00ff", apiToken: "fwt_x" } })!;
    expect(JSON.stringify(rows)).not.toMatch(/abc|def|00ff|fwt_x/);
    expect(otherDetails({ clientId: "d1", tokenId: "t1", secret: "s3cr3t", nested: { privateKeyPem: "-----BEGIN" } })).toEqual([["clientId", '"d1"'], ["tokenId", '"t1"'], ["secret", "(hidden)"], ["nested.privateKeyPem", "(hidden)"]]);
  });
});
