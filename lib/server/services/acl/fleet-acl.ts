import "server-only";
import type { TDefaultAccess, TRule } from "@/lib/domain/acl/dynsec";
import type { TDeviceAccess, TFleetAcl } from "@/lib/domain/acl/fleet-policy";
import type { TTx } from "../../db";

type TReader = Pick<TTx, "aclRole" | "aclGroup" | "fleetState" | "deviceRole" | "deviceGroup">;

/** Every role, group and the default access, as the policy compiler takes them. */
export async function loadFleetAcl(tx: TReader): Promise<TFleetAcl> {
  const [roles, groups, state] = await Promise.all([
    tx.aclRole.findMany({ orderBy: { name: "asc" }, select: { name: true, acls: true } }),
    tx.aclGroup.findMany({ orderBy: { name: "asc" }, select: { name: true, roles: { select: { priority: true, role: { select: { name: true } } } } } }),
    tx.fleetState.findUniqueOrThrow({ where: { id: 1 }, select: { aclDefaults: true } }),
  ]);
  return {
    roles: roles.map((r) => ({ rolename: r.name, acls: r.acls as TRule[] })),
    groups: groups.map((g) => ({ groupname: g.name, roles: g.roles.map((r) => ({ rolename: r.role.name, priority: r.priority })) })),
    defaultACLAccess: state.aclDefaults as TDefaultAccess,
  };
}

/** The roles and groups of the given devices (every device when no ids are given), by device id. */
export async function loadDeviceAccess(tx: TReader, deviceIds?: readonly string[]): Promise<Map<string, TDeviceAccess>> {
  const where = deviceIds ? { deviceId: { in: [...deviceIds] } } : {};
  // Ids, not relations: a fleet has tens of thousands of these rows and a handful of names.
  const [roles, groups, roleNames, groupNames] = await Promise.all([
    tx.deviceRole.findMany({ where, select: { deviceId: true, priority: true, roleId: true } }),
    tx.deviceGroup.findMany({ where, select: { deviceId: true, priority: true, groupId: true } }),
    tx.aclRole.findMany({ select: { id: true, name: true } }),
    tx.aclGroup.findMany({ select: { id: true, name: true } }),
  ]);
  const roleName = new Map(roleNames.map((r) => [r.id, r.name]));
  const groupName = new Map(groupNames.map((g) => [g.id, g.name]));
  const out = new Map<string, { roles: TDeviceAccess["roles"][number][]; groups: TDeviceAccess["groups"][number][] }>();
  const entry = (id: string) => out.get(id) ?? out.set(id, { roles: [], groups: [] }).get(id)!;
  for (const r of roles) entry(r.deviceId).roles.push({ rolename: roleName.get(r.roleId)!, priority: r.priority });
  for (const g of groups) entry(g.deviceId).groups.push({ groupname: groupName.get(g.groupId)!, priority: g.priority });
  return out;
}

export const NO_ACCESS: TDeviceAccess = { roles: [], groups: [] };
