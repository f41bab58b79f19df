import { describe, expect, it } from "vitest";
import { groupsOf, mayUseLocalPassword, roleForGroups, ssoSettings, ZSsoSettings } from "./sso";

const mappings = [
  { group: "fw-auditors", role: "AUDITOR" as const },
  { group: "fw-admins", role: "ADMIN" as const },
  { group: "fw-ops", role: "OPERATOR" as const },
];

describe("single sign-on", () => {
  it("maps groups to the most capable mapped role, or none", () => {
    expect(roleForGroups(["fw-ops", "fw-auditors"], mappings)).toBe("OPERATOR");
    expect(roleForGroups(["staff", "fw-admins", "fw-ops"], mappings)).toBe("ADMIN");
    expect(roleForGroups(["staff"], mappings)).toBeNull();
    expect(roleForGroups([], [])).toBeNull();
  });

  it("reads the groups claim as a list or a separated string", () => {
    expect(groupsOf({ groups: ["a", 3, "b"] }, "groups")).toEqual(["a", "b"]);
    expect(groupsOf({ roles: "a b,c" }, "roles")).toEqual(["a", "b", "c"]);
    expect(groupsOf({}, "groups")).toEqual([]);
  });

  it("keeps local passwords for everyone by default, or for the break-glass admin only", () => {
    expect(mayUseLocalPassword(ssoSettings(undefined), "u1")).toBe(true);
    const strict = ssoSettings({ localSignIn: "break-glass", breakGlassUserId: "6f0d3a4e-1c2b-4d5e-8f90-123456789abc" });
    expect(mayUseLocalPassword(strict, "6f0d3a4e-1c2b-4d5e-8f90-123456789abc")).toBe(true);
    expect(mayUseLocalPassword(strict, "someone-else")).toBe(false);
  });

  it("refuses turning local sign-in off without a break-glass admin, and a group mapped twice", () => {
    const r = ZSsoSettings.safeParse({ localSignIn: "break-glass" });
    expect(r.success ? null : r.error.issues.map((i) => [i.path.join("."), i.message])).toEqual([["breakGlassUserId", "name the break-glass admin who keeps a local password"]]);
    const twice = ZSsoSettings.safeParse({ roleMappings: [{ group: "g", role: "ADMIN" }, { group: "g", role: "AUDITOR" }] });
    expect(twice.success).toBe(false);
  });
});
