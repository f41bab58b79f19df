import "server-only";
import { unknownReferences } from "@/lib/domain/acl/fleet-change";
import type { TGroupRef, TRoleRef } from "@/lib/domain/acl/dynsec";
import type { TTx } from "../../db";
import { unprocessable } from "./acl-changes";

export type TAccessRequest = { deviceId: string; roles?: readonly TRoleRef[]; groups?: readonly TGroupRef[]; field: string };

/**
 * Gives devices their roles and groups (replacing what they held). A device whose request names neither gets the
 * roles marked for new devices when `isNew`. Unknown names refuse the whole request, each named by its field.
 */
export async function assignDeviceAccess(tx: TTx, requests: readonly TAccessRequest[], isNew: boolean): Promise<void> {
  const [roles, groups] = await Promise.all([
    tx.aclRole.findMany({ select: { id: true, name: true, forNewDevices: true } }),
    tx.aclGroup.findMany({ select: { id: true, name: true } }),
  ]);
  const known = { roles: new Set(roles.map((r) => r.name)), groups: new Set(groups.map((g) => g.name)) };
  const errors = Object.assign({}, ...requests.map((r) => unknownReferences(known, r, r.field)));
  if (Object.keys(errors).length) throw unprocessable(errors);
  const roleId = new Map(roles.map((r) => [r.name, r.id]));
  const groupId = new Map(groups.map((g) => [g.name, g.id]));
  const forNew = roles.filter((r) => r.forNewDevices).map((r) => ({ rolename: r.name, priority: -1 }));
  const deviceRoles = requests.flatMap((r) => (r.roles ?? (isNew && !r.groups ? forNew : [])).map((ref) => ({ deviceId: r.deviceId, roleId: roleId.get(ref.rolename)!, priority: ref.priority ?? -1 })));
  const deviceGroups = requests.flatMap((r) => (r.groups ?? []).map((ref) => ({ deviceId: r.deviceId, groupId: groupId.get(ref.groupname)!, priority: ref.priority ?? -1 })));
  if (!isNew) {
    const ids = (pick: (r: TAccessRequest) => unknown) => requests.filter((r) => pick(r) !== undefined).map((r) => r.deviceId);
    await tx.deviceRole.deleteMany({ where: { deviceId: { in: ids((r) => r.roles) } } });
    await tx.deviceGroup.deleteMany({ where: { deviceId: { in: ids((r) => r.groups) } } });
  }
  const CHUNK = 5_000;
  for (let i = 0; i < deviceRoles.length; i += CHUNK) await tx.deviceRole.createMany({ data: deviceRoles.slice(i, i + CHUNK) });
  for (let i = 0; i < deviceGroups.length; i += CHUNK) await tx.deviceGroup.createMany({ data: deviceGroups.slice(i, i + CHUNK) });
}

/** One device's roles and groups, by name. */
export async function accessOfDevice(tx: Pick<TTx, "deviceRole" | "deviceGroup">, deviceId: string) {
  const [roles, groups] = await Promise.all([
    tx.deviceRole.findMany({ where: { deviceId }, select: { priority: true, role: { select: { name: true } } }, orderBy: [{ priority: "desc" }, { role: { name: "asc" } }] }),
    tx.deviceGroup.findMany({ where: { deviceId }, select: { priority: true, group: { select: { name: true } } }, orderBy: [{ priority: "desc" }, { group: { name: "asc" } }] }),
  ]);
  return { roles: roles.map((r) => ({ rolename: r.role.name, priority: r.priority })), groups: groups.map((g) => ({ groupname: g.group.name, priority: g.priority })) };
}
