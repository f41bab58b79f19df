// The one permission map. Every route and page names one of these; nothing checks roles directly.
export const ROLES = ["ADMIN", "OPERATOR", "AUDITOR"] as const;
export type TRole = (typeof ROLES)[number];

const ALL: readonly TRole[] = ROLES;
const STAFF: readonly TRole[] = ["ADMIN", "OPERATOR"];
const REVIEW: readonly TRole[] = ["ADMIN", "AUDITOR"];
const ADMIN: readonly TRole[] = ["ADMIN"];

export const PERMISSIONS = {
  "public": ALL,
  "session.read": ALL,
  "overview.read": ALL,
  "openapi.read": ALL,
  "inventory.read": ALL,
  "fleet.manage": STAFF,
  "audit.read": REVIEW,
  "audit.verify": REVIEW,
  "users.read": ADMIN,
  "users.manage": ADMIN,
  "tokens.read": ADMIN,
  "tokens.manage": ADMIN,
  "ca.manage": ADMIN,
  "live.disconnect": ADMIN,
  "live.inspect": STAFF,
  "live.decrypt": ADMIN,
  "security.read": REVIEW,
  "security.manage": ADMIN,
} as const satisfies Record<string, readonly TRole[]>;

export type TPermission = keyof typeof PERMISSIONS;

export function can(role: TRole, permission: TPermission): boolean {
  return (PERMISSIONS[permission] as readonly TRole[]).includes(role);
}

export const ROLE_LABELS: Record<TRole, string> = {
  ADMIN: "Admin",
  OPERATOR: "Operator",
  AUDITOR: "Auditor",
};

export const ROLE_SUMMARIES: Record<TRole, string> = {
  ADMIN: "Everything, including users and API tokens.",
  OPERATOR: "Devices, roles, certificates, brokers and live views; no user management.",
  AUDITOR: "Read-only: audit log, findings and inventory; never secrets, never changes.",
};
