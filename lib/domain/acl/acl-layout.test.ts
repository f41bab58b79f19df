import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideAclFile, parseAclFile } from "./acl-file";
import { compileFleetAcl, aclLinesCompiler, type TFleetAcl } from "./fleet-policy";
import type { TAclType } from "./dynsec";

const own = { rolename: "own", acls: [{ acltype: "publishClientSend" as const, topic: "devices/${clientId}/#", allow: true }, { acltype: "subscribePattern" as const, topic: "devices/${clientId}/#", allow: true }] };
const DEFAULTS = { publishClientSend: false, publishClientReceive: true, subscribe: false, unsubscribe: true };

/** The file with a block per device and no patterns: what the layout must decide exactly like. */
const plainFile = (fleet: TFleetAcl, devices: { clientId: string; access: { roles: { rolename: string }[]; groups: [] } }[]) => {
  const lines = aclLinesCompiler(fleet);
  return parseAclFile(devices.map((d) => `user ${d.clientId}\n${lines(d.access, d.clientId).join("\n")}\n`).join(""));
};
const laidOut = (fleet: TFleetAcl, devices: { clientId: string; access: { roles: { rolename: string }[]; groups: [] } }[]) => {
  const { patterns, blocks } = compileFleetAcl(fleet, devices);
  return { patterns, text: patterns.join("\n") + "\n" + devices.map((d, i) => (blocks[i]!.length ? `user ${d.clientId}\n${blocks[i]!.join("\n")}\n` : "")).join("") };
};

describe("acl_file layout", () => {
  it("writes the grants most devices share once, as patterns, and blocks only for devices that differ", () => {
    const fleet = { roles: [own, { rolename: "cmd", acls: [{ acltype: "publishClientSend" as const, topic: "plant/+/cmd", allow: true }] }], groups: [], defaultACLAccess: DEFAULTS };
    const devices = [...["a", "b", "c"].map((clientId) => ({ clientId, access: { roles: [{ rolename: "own" }], groups: [] as [] } })), { clientId: "x", access: { roles: [{ rolename: "cmd" }], groups: [] as [] } }];
    const { patterns, blocks } = compileFleetAcl(fleet, devices);
    expect(patterns).toEqual(["pattern readwrite devices/%c/#"]);
    expect(blocks).toEqual([[], [], [], ["topic deny devices/x/#", "topic write plant/+/cmd"]]);
  });

  it("decides exactly as one block per device would (property)", () => {
    const level = fc.constantFrom("a", "b", "${clientId}", "d1");
    const filter = fc.tuple(fc.array(fc.oneof(level, fc.constant("+")), { minLength: 1, maxLength: 3 }), fc.boolean()).map(([ls, hash]) => [...ls, ...(hash ? ["#"] : [])].join("/"));
    const acl = fc.record({ acltype: fc.constantFrom<TAclType>("publishClientSend", "publishClientReceive", "subscribePattern"), topic: filter, allow: fc.boolean(), priority: fc.integer({ min: 0, max: 2 }) });
    const words = ["a", "b", "d1", "d2", "d3", "p"];
    const topics = words.flatMap((x) => [x, ...words.flatMap((y) => [`${x}/${y}`, ...words.map((z) => `${x}/${y}/${z}`)])]);
    fc.assert(
      fc.property(fc.array(fc.array(acl, { maxLength: 4 }), { minLength: 1, maxLength: 3 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 5 }), (roleAcls, holds) => {
        const fleet: TFleetAcl = { roles: roleAcls.map((acls, i) => ({ rolename: `r${i}`, acls })), groups: [], defaultACLAccess: DEFAULTS };
        const devices = holds.map((h, i) => ({ clientId: `d${i + 1}`, access: { roles: h < roleAcls.length ? [{ rolename: `r${h}` }] : [], groups: [] as [] } }));
        const plain = plainFile(fleet, devices);
        const file = parseAclFile(laidOut(fleet, devices).text);
        for (const d of devices) {
          for (const t of topics) {
            for (const action of ["publish", "receive"] as const) {
              const c = { username: d.clientId, clientId: d.clientId };
              expect(decideAclFile(file, c, action, t).allowed, `${d.clientId} ${action} ${t}`).toBe(decideAclFile(plain, c, action, t).allowed);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
