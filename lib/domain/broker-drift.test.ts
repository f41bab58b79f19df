import { describe, expect, it } from "vitest";
import { diffSummaries, summarizeFile, summarizeFiles } from "./broker-drift";
import { caDirFiles, renderCaBundle } from "./broker-files";

const PEM = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
const cas = renderCaBundle([{ subjectHash: "0a1b2c3d", certPem: PEM("QUJD") }, { subjectHash: "0a1b2c3d", certPem: PEM("REVG") }, { subjectHash: "ffffffff", certPem: PEM("R0hJ") }]);
const desired = { passwd: "a:$7$1$x$y\nb:$7$1$x$z\n", acl: "pattern readwrite devices/%u/#\n", psk: "p1:00ff\n", "crl.pem": "CRL", "cas.pem": cas, "live-passwd": "_live-1:$7$1$x$v\n", "live-acl": "user _live-1\ntopic read $SYS/#\n" };

describe("broker drift", () => {
  it("never carries a secret: password and PSK lines become name + digest", () => {
    const s = summarizeFile("psk", "p1:00ff\n");
    expect(s).toHaveLength(1);
    expect(s[0]).toMatch(/^p1 [0-9a-f]{16}$/);
    expect(JSON.stringify(summarizeFiles(desired))).not.toContain("00ff");
  });
  it("lays device CAs out as capath files named by subject hash, numbering shared hashes", () => {
    expect(caDirFiles(cas)).toEqual({ "0a1b2c3d.0": PEM("QUJD"), "0a1b2c3d.1": PEM("REVG"), "ffffffff.0": PEM("R0hJ") });
    expect(caDirFiles("# subject-hash ../../x\n" + PEM("QUJD"))).toEqual({});
    expect(summarizeFile("cas.pem", cas).map((l) => l.split(" ").slice(0, 2).join(" "))).toEqual(["ca 0a1b2c3d.0", "ca 0a1b2c3d.1", "ca ffffffff.0"]);
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
