import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, ROLES } from "./permissions";

describe("permission map", () => {
  it("gives admins every permission", () => {
    for (const p of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) expect(can("ADMIN", p)).toBe(true);
  });
  it("keeps user, token and CA management to admins", () => {
    for (const p of ["users.read", "users.manage", "tokens.read", "tokens.manage", "ca.manage"] as const) {
      expect(ROLES.filter((r) => can(r, p))).toEqual(["ADMIN"]);
    }
  });
  it("lets auditors read the audit log but change nothing", () => {
    expect(can("AUDITOR", "audit.read")).toBe(true);
    expect(can("AUDITOR", "fleet.manage")).toBe(false);
    const writes = Object.keys(PERMISSIONS).filter((p) => /manage/.test(p)) as (keyof typeof PERMISSIONS)[];
    expect(writes.length).toBeGreaterThan(0);
    for (const p of writes) expect(can("AUDITOR", p)).toBe(false);
  });
  it("keeps the audit log from operators", () => {
    expect(can("OPERATOR", "audit.read")).toBe(false);
    expect(can("OPERATOR", "fleet.manage")).toBe(true);
  });
});
