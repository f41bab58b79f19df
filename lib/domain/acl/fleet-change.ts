// A proposed change to the fleet's roles, groups, default access or one device's roles and groups, applied to a
// copy of the fleet's ACL state: what the preview compares and the saving services check. Pure.
import type { TDefaultAccess, TGroupRef, TRoleRef, TRule } from "./dynsec";
import type { TDeviceAccess, TFleetAcl } from "./fleet-policy";

export type TAclChange =
  | { kind: "role"; role: { name: string; acls: readonly TRule[] }; previousName?: string }
  | { kind: "deleteRole"; name: string }
  | { kind: "group"; group: { name: string; roles: readonly TRoleRef[] }; previousName?: string }
  | { kind: "deleteGroup"; name: string }
  | { kind: "defaults"; defaultACLAccess: TDefaultAccess }
  | { kind: "device"; deviceId: string; access: { roles?: readonly TRoleRef[]; groups?: readonly TGroupRef[] } };

export type TAclState = { fleet: TFleetAcl; access: ReadonlyMap<string, TDeviceAccess> };

const renameRef = <T extends { rolename?: string; groupname?: string }>(refs: readonly T[], key: "rolename" | "groupname", from: string, to: string): T[] =>
  refs.map((r) => (r[key] === from ? { ...r, [key]: to } : r));

/** The state after the change. A renamed role or group keeps its holders. */
export function applyAclChange(state: TAclState, change: TAclChange): TAclState {
  const { fleet } = state;
  let access = new Map(state.access);
  switch (change.kind) {
    case "role": {
      const from = change.previousName ?? change.role.name;
      const roles = [...fleet.roles.filter((r) => r.rolename !== from), { rolename: change.role.name, acls: change.role.acls }];
      const groups = fleet.groups.map((g) => ({ ...g, roles: renameRef(g.roles, "rolename", from, change.role.name) }));
      access = new Map([...access].map(([id, a]) => [id, { ...a, roles: renameRef(a.roles, "rolename", from, change.role.name) }]));
      return { fleet: { ...fleet, roles, groups }, access };
    }
    case "deleteRole":
      return { fleet: { ...fleet, roles: fleet.roles.filter((r) => r.rolename !== change.name) }, access };
    case "group": {
      const from = change.previousName ?? change.group.name;
      const groups = [...fleet.groups.filter((g) => g.groupname !== from), { groupname: change.group.name, roles: change.group.roles }];
      access = new Map([...access].map(([id, a]) => [id, { ...a, groups: renameRef(a.groups, "groupname", from, change.group.name) }]));
      return { fleet: { ...fleet, groups }, access };
    }
    case "deleteGroup":
      return { fleet: { ...fleet, groups: fleet.groups.filter((g) => g.groupname !== change.name) }, access };
    case "defaults":
      return { fleet: { ...fleet, defaultACLAccess: change.defaultACLAccess }, access };
    case "device": {
      const before = access.get(change.deviceId) ?? { roles: [], groups: [] };
      access.set(change.deviceId, { roles: change.access.roles ?? before.roles, groups: change.access.groups ?? before.groups });
      return { fleet, access };
    }
  }
}

export type TKnownNames = { roles: ReadonlySet<string>; groups: ReadonlySet<string> };

export const knownNames = (fleet: TFleetAcl): TKnownNames => ({ roles: new Set(fleet.roles.map((r) => r.rolename)), groups: new Set(fleet.groups.map((g) => g.groupname)) });

/** Field errors for role and group names a request refers to that the fleet does not hold. */
export function unknownReferences({ roles, groups }: TKnownNames, refs: { roles?: readonly TRoleRef[]; groups?: readonly TGroupRef[] }, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  refs.roles?.forEach((r, i) => {
    if (!roles.has(r.rolename)) out[`${prefix}roles.${i}.rolename`] = `names no role: there is no role ${JSON.stringify(r.rolename)}`;
  });
  refs.groups?.forEach((g, i) => {
    if (!groups.has(g.groupname)) out[`${prefix}groups.${i}.groupname`] = `names no group: there is no group ${JSON.stringify(g.groupname)}`;
  });
  return out;
}
