import { describe, expect, it } from "vitest";
import { diffSummaries, summarizeFile, summarizeFiles } from "./broker-drift";

const desired = { passwd: "a:$7$1$x$y\nb:$7$1$x$z\n", acl: "pattern readwrite devices/%u/#\n", psk: "p1:00ff\n", "crl.pem": "CRL" };

describe("broker drift", () => {
  it("never carries a secret: password and PSK lines become name + digest", () => {
    const s = summarizeFile("psk", "p1:00ff\n");
    expect(s).toHaveLength(1);
    expect(s[0]).toMatch(/^p1 [0-9a-f]{16}$/);
    expect(JSON.stringify(summarizeFiles(desired))).not.toContain("00ff");
  });
  it("is empty when the broker holds exactly the desired files", () => {
    expect(diffSummaries(desired, summarizeFiles(desired))).toEqual([]);
  });
  it("names missing, unexpected and changed entries per file", () => {
    const actual = summarizeFiles({ ...desired, passwd: "a:$7$1$x$CHANGED\nc:$7$1$x$w\n", acl: null });
    const diff = diffSummaries(desired, actual);
    expect(diff.map((d) => d.file)).toEqual(["passwd", "acl"]);
    const passwd = diff[0]!;
    expect(passwd.missing.map((l) => l.split(" ")[0]).sort()).toEqual(["a", "b"]);
    expect(passwd.unexpected.map((l) => l.split(" ")[0]).sort()).toEqual(["a", "c"]);
    expect(diff[1]).toEqual({ file: "acl", missing: ["pattern readwrite devices/%u/#"], unexpected: [] });
  });
});
