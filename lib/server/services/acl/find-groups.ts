import "server-only";
import type { TGroupDto } from "@/lib/schemas/acl";
import { db } from "../../db";
import { notFound } from "../../errors";

export const GROUP_SELECT = { id: true, name: true, description: true, updatedAt: true, roles: { select: { priority: true, role: { select: { name: true } } } }, _count: { select: { devices: true } } } as const;

type TRow = { id: string; name: string; description: string; updatedAt: Date; roles: { priority: number; role: { name: string } }[]; _count: { devices: number } };

export const toGroupDto = (g: TRow): TGroupDto => ({
  id: g.id,
  name: g.name,
  description: g.description,
  roles: g.roles.map((r) => ({ rolename: r.role.name, priority: r.priority })).sort((a, b) => b.priority - a.priority || (a.rolename < b.rolename ? -1 : 1)),
  deviceCount: g._count.devices,
  updatedAt: g.updatedAt.toISOString(),
});

export async function listGroups(): Promise<{ items: TGroupDto[]; nextCursor: null }> {
  const rows = await db.aclGroup.findMany({ orderBy: { name: "asc" }, select: GROUP_SELECT });
  return { items: rows.map(toGroupDto), nextCursor: null };
}

export async function getGroup(name: string): Promise<TGroupDto> {
  const row = await db.aclGroup.findUnique({ where: { name }, select: GROUP_SELECT });
  if (!row) throw notFound(`Group ${name}`);
  return toGroupDto(row);
}
