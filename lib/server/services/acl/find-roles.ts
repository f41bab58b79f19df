import "server-only";
import type { TRule } from "@/lib/domain/acl/dynsec";
import type { TRoleDto } from "@/lib/schemas/acl";
import { db } from "../../db";
import { notFound } from "../../errors";

export const ROLE_SELECT = { id: true, name: true, description: true, acls: true, forNewDevices: true, updatedAt: true, groups: { select: { group: { select: { name: true } } } }, _count: { select: { devices: true } } } as const;

type TRow = { id: string; name: string; description: string; acls: unknown; forNewDevices: boolean; updatedAt: Date; groups: { group: { name: string } }[]; _count: { devices: number } };

export const toRoleDto = (r: TRow): TRoleDto => ({
  id: r.id,
  name: r.name,
  description: r.description,
  acls: (r.acls as TRule[]).map((a) => ({ acltype: a.acltype, topic: a.topic, priority: a.priority ?? 0, allow: a.allow ?? false })),
  forNewDevices: r.forNewDevices,
  deviceCount: r._count.devices,
  groups: r.groups.map((g) => g.group.name).sort(),
  updatedAt: r.updatedAt.toISOString(),
});

/** Every role, by name (a fleet holds tens or hundreds, not thousands). */
export async function listRoles(): Promise<{ items: TRoleDto[]; nextCursor: null }> {
  const rows = await db.aclRole.findMany({ orderBy: { name: "asc" }, select: ROLE_SELECT });
  return { items: rows.map(toRoleDto), nextCursor: null };
}

export async function getRole(name: string): Promise<TRoleDto> {
  const row = await db.aclRole.findUnique({ where: { name }, select: ROLE_SELECT });
  if (!row) throw notFound(`Role ${name}`);
  return toRoleDto(row);
}
