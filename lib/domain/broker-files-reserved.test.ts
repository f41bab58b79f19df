import { describe, expect, it } from "vitest";
import { decideAclFile, parseAclFile } from "./acl/acl-file";
import { AGENT_TOPICS } from "./agent-topics";
import { BrokerFileValueError } from "./broker-file-values";
import { renderBrokerFiles, type TRenderDevice, type TRenderInput } from "./broker-files";
import { verdictTopic } from "./message-verdicts";

const device = (clientId: string, aclLines: string[], extra: Partial<TRenderDevice> = {}): TRenderDevice => ({
  clientId,
  disabled: false,
  authType: "PASSWORD",
  passwordHash: "$7$101$c2FsdA==$aGFzaA==",
  pskIdentity: null,
  pskKeyHex: null,
  aclLines,
  ...extra,
});
const input = (over: Partial<TRenderInput> = {}): TRenderInput => ({ devices: [], crlPem: "", probePskKeyHex: "00ff", deviceCas: [], aclPatterns: [], liveClients: [], ...over });

// The fleet's control topics as a device would try them: every agent topic of another broker, the verdicts, the
// broker's own administration.
const CONTROL = [...Object.values(AGENT_TOPICS).map((t) => t("demo-1")), verdictTopic("demo-2"), "fleetward/anything/else", "$CONTROL/dynamic-security/v1"];

describe("the control topics are the brokers' own, whatever a device's roles grant", () => {
  // A role granting everything, as a device's own block and as the patterns everyone shares.
  const files = renderBrokerFiles(
    input({
      devices: [device("own-block", ["topic readwrite #", "topic readwrite $CONTROL/#"]), device("patterns-only", [])],
      aclPatterns: ["pattern readwrite #", "pattern readwrite $CONTROL/#", "pattern readwrite fleetward/agent/%c/heartbeat"],
    }),
  );
  const acl = parseAclFile(files.acl);
  const decide = (clientId: string, action: "publish" | "receive", topic: string) => decideAclFile(acl, { username: clientId, clientId }, action, topic).allowed;

  it("denies them to a device with its own block and to one that has only the patterns, both ways", () => {
    for (const who of ["own-block", "patterns-only"]) {
      for (const topic of CONTROL) for (const action of ["publish", "receive"] as const) expect(decide(who, action, topic), `${who} ${action} ${topic}`).toBe(false);
      // The grant still holds everywhere else.
      expect(decide(who, "publish", "devices/x/telemetry"), who).toBe(true);
      expect(decide(who, "receive", "plant/a"), who).toBe(true);
    }
  });

  it("puts the denials first in every user block and before the shared patterns", () => {
    const block = files.acl.split("\n\n").find((b) => b.startsWith("user own-block\n"))!.split("\n");
    expect(block.slice(1, 3)).toEqual(["topic deny fleetward/#", "topic deny $CONTROL/#"]);
    expect(files.acl.split("\n").filter((l) => l.startsWith("pattern ")).slice(0, 2)).toEqual(["pattern deny fleetward/#", "pattern deny $CONTROL/#"]);
  });

  it("leaves the patterns alone when none could reach them (Mosquitto warns at each reload about a pattern without %c or %u)", () => {
    for (const grant of ["pattern readwrite devices/%c/#", "pattern read plant/+/alerts", "pattern deny #"]) {
      const acl = renderBrokerFiles(input({ devices: [device("d", [])], aclPatterns: [grant] })).acl;
      expect(acl.split("\n").filter((l) => l.startsWith("pattern ")), grant).toEqual([grant]);
      expect(decideAclFile(parseAclFile(acl), { username: "d", clientId: "d" }, "receive", AGENT_TOPICS.command("b")).allowed).toBe(false);
    }
    for (const grant of ["pattern read +/agent/#", "pattern write %c/#", "pattern read $CONTROL/%u"]) {
      expect(renderBrokerFiles(input({ aclPatterns: [grant] })).acl, grant).toContain("pattern deny fleetward/#\npattern deny $CONTROL/#\n");
    }
  });
});

describe("a value that would break a file's lines is refused, naming its owner (never skipped, never escaped)", () => {
  const refusal = (over: Partial<TRenderInput>) => {
    try {
      renderBrokerFiles(input(over));
    } catch (e) {
      expect(e).toBeInstanceOf(BrokerFileValueError);
      return (e as Error).message;
    }
    throw new Error("was rendered");
  };

  it("an ACL line carrying a line break (the injection that granted another device fleetward/#)", () => {
    const injected = "topic read devices/a/x\nuser pt-b\ntopic readwrite fleetward/#";
    expect(refusal({ devices: [device("pt-a", [injected])] })).toMatch(/the ACL line of device "pt-a" holds the control character U\+000A/);
    expect(refusal({ aclPatterns: ["pattern read a/\r"] })).toMatch(/the pattern of the fleet's shared ACL patterns holds the control character U\+000D/);
    expect(refusal({ devices: [device("pt-a", ["user pt-b"])] })).toMatch(/is not a line of the expected kind/);
  });

  it("names with whitespace, ':' or control characters, wherever they go", () => {
    expect(refusal({ devices: [device("a\u0000b", [])] })).toMatch(/client id of device "a\\u0000b" holds the control character U\+0000/);
    expect(refusal({ devices: [device("a b", [])] })).toMatch(/holds whitespace or one of/);
    expect(refusal({ devices: [device("x", [], { authType: "PSK", passwordHash: null, pskIdentity: "id:x", pskKeyHex: "00" })] })).toMatch(/PSK identity of device "x"/);
    expect(refusal({ devices: [device("x", [], { authType: "PSK", passwordHash: null, pskIdentity: "_fleetward-probe", pskKeyHex: "00" })] })).toMatch(/Fleetward's own probe identity/);
    expect(refusal({ liveClients: [{ username: "_live-a\u007f", passwordHash: "$7$x", role: "ADMIN" }] })).toMatch(/username of live credential .* U\+007F/);
  });

  it("secrets that are not what they must be, without showing them", () => {
    const hash = "$7$101$salt\nuser x";
    const message = refusal({ devices: [device("d1", [], { passwordHash: hash })] });
    expect(message).toMatch(/the password hash of device "d1" is not a Mosquitto password hash \(value not shown\)/);
    expect(message).not.toContain("salt");
    expect(refusal({ devices: [device("d2", [], { authType: "PSK", passwordHash: null, pskIdentity: "d2", pskKeyHex: "zz\n" })] })).toMatch(/PSK key of device "d2" is not a hex key/);
    expect(refusal({ liveClients: [{ username: "_live-a", passwordHash: "$7$x:y", role: "ADMIN" }] })).toMatch(/password hash of live credential "_live-a"/);
  });

  it("a CA or CRL with anything beside its own PEM block", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    expect(renderBrokerFiles(input({ deviceCas: [{ subjectHash: "0a1b2c3d", certPem: pem }] }))["cas.pem"]).toContain("# subject-hash 0a1b2c3d\n");
    expect(refusal({ deviceCas: [{ subjectHash: "0a1b2c3d", certPem: `${pem}# subject-hash 12345678\n${pem}` }] })).toMatch(/certificate of device CA "0a1b2c3d" is not exactly one PEM certificate/);
    expect(refusal({ deviceCas: [{ subjectHash: "0a1b\n", certPem: pem }] })).toMatch(/subject hash of a device CA/);
    expect(refusal({ crlPem: "-----BEGIN X509 CRL-----\r\nAAAA\r\n-----END X509 CRL-----\r\n" })).toMatch(/CRLs of the device CAs/);
  });

  it("a device with no credential yet is simply absent (not a bad value)", () => {
    expect(renderBrokerFiles(input({ devices: [device("no-pass", [], { passwordHash: null })] })).passwd).toBe("");
  });
});
