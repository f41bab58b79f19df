import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideAclFile, parseAclFile } from "./acl-file";
import { compileAclLines, enforcementDifferences, expandLines, expandPolicy } from "./compile";
import { decideDynsec, type TAclType, type TDefaultAccess, type TDynsecPolicy, type TRule } from "./dynsec";
import { filterMatches } from "./topics";

const CLOSED: TDefaultAccess = { publishClientSend: false, publishClientReceive: true, subscribe: false, unsubscribe: true };
const rule = (acltype: TAclType, topic: string, allow = true, priority = 0): TRule => ({ acltype, topic, allow, priority });
const policy = (acls: TRule[], defaults = CLOSED): TDynsecPolicy => ({ roles: [{ rolename: "r", acls }], groups: [], client: { username: "dev-1", roles: [{ rolename: "r" }], groups: [] }, defaultACLAccess: defaults });
const DEV = { clientId: "dev-1", username: "dev-1" };
const own = (t = "#") => `devices/\${clientId}/${t}`;

describe("roles compiled to acl_file lines", () => {
  it("gives a templated role per device, exactly", () => {
    const p = policy([rule("publishClientSend", own()), rule("publishClientReceive", own()), rule("subscribePattern", own())]);
    const lines = compileAclLines(p);
    expect(lines).toEqual(["topic readwrite devices/${clientId}/#"]);
    expect(expandLines(lines, DEV)).toEqual(["topic readwrite devices/dev-1/#"]);
    expect(enforcementDifferences(p, DEV, expandLines(lines, DEV))).toEqual([]);
  });

  it("narrows receiving to what the device may subscribe to, and writes a deny only when a later allow needs it", () => {
    const p = policy([rule("publishClientSend", "plant/+/cmd", false, 5), rule("publishClientSend", "plant/#", true, 1), rule("publishClientSend", "x/#", true, 9), rule("publishClientSend", "x/secret", false, 0), rule("subscribePattern", "plant/+/status")]);
    const lines = compileAclLines(p);
    // Receive defaults to allow, but only plant/+/status can be subscribed; x/secret never decides (x/# first).
    expect(lines).toEqual(["topic deny plant/+/cmd", "topic write x/#", "topic write plant/#", "topic read plant/+/status"]);
    expect(enforcementDifferences(p, DEV, lines)).toEqual([]);
  });

  it("names where the brokers would decide otherwise: a deny covers both directions in acl_file", () => {
    const p = policy([rule("publishClientSend", own("cfg"), false, 5), rule("publishClientSend", own()), rule("subscribePattern", own())]);
    const lines = expandLines(compileAclLines(p), DEV);
    expect(lines).toEqual(["topic deny devices/dev-1/cfg", "topic readwrite devices/dev-1/#"]);
    expect(enforcementDifferences(p, DEV, lines)).toEqual([{ action: "receive", topic: "devices/dev-1/cfg", roles: true, brokers: false }]);
  });

  it("names an allow the file cannot keep before an overlapping deny", () => {
    const p = policy([rule("publishClientSend", "a/b", true, 9), rule("publishClientSend", "a/+", false, 5), rule("publishClientSend", "a/#", true, 1)]);
    const diffs = enforcementDifferences(p, DEV, compileAclLines(p));
    expect(diffs).toContainEqual({ action: "publish", topic: "a/b", roles: true, brokers: false });
  });

  it("probes where three rules meet: a literal subscription, a receive and a send deny decide a/a/a together", () => {
    // The property below found this: pairwise meets never probed a/a/a, where the file's deny (it covers reading
    // too) refuses what the roles allow.
    const p = policy(
      [rule("subscribeLiteral", "+/+/a", true, 0), rule("publishClientReceive", "+/a/+", true, 0), rule("publishClientSend", "+/+", true, 0), rule("publishClientSend", "a/+/#", false, 1)],
      { publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: true },
    );
    const diffs = enforcementDifferences(p, DEV, expandLines(compileAclLines(p), DEV));
    expect(diffs).toContainEqual({ action: "receive", topic: "a/a/a", roles: true, brokers: false });
  });

  it("when it names no difference at a policy's edges, none exists on any topic (property)", () => {
    const level = fc.constantFrom("a", "b", "${clientId}", "dev-2");
    const filter = fc.tuple(fc.array(fc.oneof(level, fc.constant("+")), { minLength: 1, maxLength: 3 }), fc.boolean()).map(([ls, hash]) => [...ls, ...(hash ? ["#"] : [])].join("/"));
    const acl = fc.record({ acltype: fc.constantFrom<TAclType>("publishClientSend", "publishClientReceive", "subscribePattern", "subscribeLiteral"), topic: filter, allow: fc.boolean(), priority: fc.integer({ min: 0, max: 3 }) });
    const defaults = fc.record({ publishClientSend: fc.boolean(), publishClientReceive: fc.boolean(), subscribe: fc.boolean(), unsubscribe: fc.constant(true) });
    const words = ["a", "b", "dev-1", "dev-2", "p1"];
    const topics = words.flatMap((x) => [x, ...words.flatMap((y) => [`${x}/${y}`, ...words.map((z) => `${x}/${y}/${z}`)])]);
    fc.assert(
      fc.property(fc.array(acl, { maxLength: 6 }), defaults, (acls, d) => {
        const p = policy(acls, d);
        const lines = expandLines(compileAclLines(p), DEV);
        if (enforcementDifferences(p, DEV, lines).length > 0) return;
        const expanded = expandPolicy(p, DEV);
        const file = parseAclFile(`user dev-1\n${lines.join("\n")}\n`);
        const subs = ["#", ...expanded.roles[0]!.acls.filter((a) => a.allow && a.acltype.startsWith("subscribe")).map((a) => a.topic)];
        for (const t of topics) {
          expect(decideAclFile(file, DEV, "publish", t).allowed, `publish ${t}`).toBe(decideDynsec(expanded, "publish", t).allowed);
          const receive = decideDynsec(expanded, "receive", t).allowed && [t, ...subs].some((f) => filterMatches(f, t) && decideDynsec(expanded, "subscribe", f).allowed);
          expect(decideAclFile(file, DEV, "receive", t).allowed, `receive ${t}`).toBe(receive);
        }
      }),
      { numRuns: 400 },
    );
  });
});
