import { describe, expect, it } from "vitest";
import { deviceOps, mergeChanges } from "./plugin-ops";

describe("plugin ops", () => {
  it("merges what revisions changed; anything unreadable or unsaid is the whole state", () => {
    const set = mergeChanges([[{ kind: "device", clientId: "a" }], [{ kind: "role", name: "r" }, { kind: "device", clientId: "b" }], [{ kind: "files" }]]);
    expect(set).toMatchObject({ all: false, defaults: false });
    expect([...set.devices]).toEqual(["a", "b"]);
    expect([...set.roles]).toEqual(["r"]);
    expect(mergeChanges([[{ kind: "device" }]]).all).toBe(true);
    expect(mergeChanges([null]).all).toBe(true);
    expect(mergeChanges([[{ kind: "all" }]]).all).toBe(true);
  });

  it("sends a device with its credential and roles, a revoked one as a deletion with its certificates revoked by name", () => {
    const base = { clientId: "d1", disabled: false, roles: [{ rolename: "r" }], groups: [], revokedKeys: [] };
    expect(deviceOps({ ...base, authType: "PASSWORD", passwordHash: "$7$1$a$b", pskKeyHex: null })).toEqual([
      { op: "upsertClient", username: "d1", clientid: "d1", credential: "password", secret: "$7$1$a$b", roles: [{ rolename: "r", priority: -1 }], groups: [] },
    ]);
    expect(deviceOps({ ...base, authType: "PSK", passwordHash: null, pskKeyHex: null })).toEqual([{ op: "deleteClient", username: "d1" }]);
    expect(deviceOps({ ...base, authType: "X509", passwordHash: null, pskKeyHex: null, disabled: true, revokedKeys: ["k"] })).toEqual([
      { op: "upsertClient", username: "d1", clientid: "d1", credential: "cert", disabled: true, roles: [{ rolename: "r", priority: -1 }], groups: [] },
      { op: "revoke", key: "k", username: "d1" },
    ]);
  });
});
