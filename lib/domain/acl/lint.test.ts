import { describe, expect, it } from "vitest";
import { decideDynsec, type TAclType, type TRule } from "./dynsec";
import { lintPolicy, type TLintPolicy } from "./lint";

const CLOSED = { publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: false };
const policy = (acls: TRule[], extra: Partial<TLintPolicy> = {}): TLintPolicy => ({
  roles: [{ rolename: "r", acls }],
  groups: [],
  client: { username: "c", roles: [{ rolename: "r" }], groups: [] },
  defaultACLAccess: CLOSED,
  ...extra,
});
const codes = (p: TLintPolicy) => lintPolicy(p).map((f) => `${f.code}${f.index === undefined ? "" : `#${f.index}`}`);
const rule = (acltype: TAclType, topic: string, allow = true, priority?: number): TRule => ({ acltype, topic, allow, priority });

describe("ACL linter", () => {
  it("flags everything-wildcards, broker topics and open defaults, with why and how to fix", () => {
    const findings = lintPolicy(policy([rule("publishClientSend", "#"), rule("subscribePattern", "+/#"), rule("publishClientReceive", "$SYS/broker/#")], { defaultACLAccess: { ...CLOSED, subscribe: true } }));
    expect(findings.map((f) => f.code)).toEqual(["wildcard-everything", "wildcard-everything", "broker-topics", "broker-topics", "default-allow"]);
    for (const f of findings) expect(f.why.length && f.fix.length).toBeTruthy();
    expect(findings[0]!.why).toMatch(/^# reaches every device's topics and Fleetward's control topics \(fleetward\/#\), which Fleetward denies to devices anyway/);
  });

  it("finds rules that can never decide, and proves it with the simulator", () => {
    const acls = [rule("publishClientSend", "plant/#", false, 5), rule("publishClientSend", "plant/a/b", true, 1), rule("subscribeLiteral", "x/y"), rule("subscribeLiteral", "x/y", false)];
    expect(codes(policy(acls))).toEqual(["shadowed#1", "shadowed#2"]);
    const p = { ...policy(acls), client: policy(acls).client! };
    // The shadowed allow on plant/a/b never decides; the later literal x/y (deny) does.
    expect(decideDynsec(p, "publish", "plant/a/b").allowed).toBe(false);
    expect(decideDynsec(p, "subscribe", "x/y").allowed).toBe(false);
  });

  it("keeps $ topics apart for publish rules, and names equal-priority conflicts, unused roles and clients without roles", () => {
    expect(codes(policy([rule("publishClientSend", "#", false), rule("publishClientSend", "$x/a")]))).not.toContain("shadowed#1");
    expect(codes(policy([rule("publishClientSend", "a/#", true, 1), rule("publishClientSend", "a/b", false, 1)]))).toContain("shadowed#1");
    expect(codes(policy([rule("publishClientSend", "a/b", false, 1), rule("publishClientSend", "a/#", true, 1)]))).toContain("equal-priority-conflict#1");
    const spare = lintPolicy({ ...policy([]), roles: [{ rolename: "r", acls: [] }, { rolename: "spare", acls: [] }], client: { username: "c", roles: [], groups: [] } });
    expect(spare.map((f) => f.code)).toEqual(["no-role", "unused-role", "unused-role"]);
  });
});
