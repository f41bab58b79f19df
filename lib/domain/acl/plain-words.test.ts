import { describe, expect, it } from "vitest";
import { decideDynsec } from "./dynsec";
import { describeDecision, describeRule } from "./plain-words";

describe("plain words", () => {
  it("say what a rule allows or forbids", () => {
    expect(describeRule({ acltype: "publishClientSend", topic: "plant/+/telemetry", priority: 5, allow: true })).toBe("may publish to plant/+/telemetry (priority 5)");
    expect(describeRule({ acltype: "subscribePattern", topic: "#" })).toBe("may not subscribe to filters within # (priority 0)");
  });

  it("say what decided", () => {
    const policy = {
      roles: [{ rolename: "sensor", acls: [{ acltype: "publishClientSend" as const, topic: "plant/#", allow: true }] }],
      groups: [{ groupname: "hall", roles: [{ rolename: "sensor" }] }],
      client: { username: "s", roles: [], groups: [{ groupname: "hall" }] },
      defaultACLAccess: { publishClientSend: false, publishClientReceive: true, subscribe: false, unsubscribe: true },
    };
    const allowed = decideDynsec(policy, "publish", "plant/a");
    expect(describeDecision(allowed.allowed, allowed.decidedBy)).toBe("Allowed by rule 1 of role sensor of group hall (role priority -1): may publish to plant/# (priority 0).");
    const byDefault = decideDynsec(policy, "publish", "other");
    expect(describeDecision(byDefault.allowed, byDefault.decidedBy)).toBe("Denied by the default access: no rule matched and the default for publishClientSend is deny.");
    const sys = decideDynsec(policy, "publish", "$SYS/x");
    expect(describeDecision(sys.allowed, sys.decidedBy)).toBe("Denied by the broker itself: clients may not publish to $SYS topics.");
  });
});
