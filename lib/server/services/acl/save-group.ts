import "server-only";
import type { TGroupInput } from "@/lib/schemas/acl";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError, notFound } from "../../errors";
import { devicesAccessChanged, unprocessable } from "./acl-changes";
import { GROUP_SELECT, toGroupDto } from "./find-groups";

export type TSaveGroupOptions = { actor: TActor; input: TGroupInput; previousName?: string };

/** Creates or changes (and may rename) a group of devices and the roles it gives them. */
export async function saveGroup({ actor, input, previousName }: TSaveGroupOptions) {
  return change(async (tx) => {
    const before = previousName === undefined ? null : await tx.aclGroup.findUnique({ where: { name: previousName }, select: GROUP_SELECT });
    if (previousName !== undefined && !before) throw notFound(`Group ${previousName}`);
    if (input.name !== previousName && (await tx.aclGroup.findUnique({ where: { name: input.name }, select: { id: true } }))) {
      throw new AppError("CONFLICT", `A group named ${input.name} already exists.`, { name: "is already in use" });
    }
    const roles = await tx.aclRole.findMany({ where: { name: { in: input.roles.map((r) => r.rolename) } }, select: { id: true, name: true } });
    const roleId = new Map(roles.map((r) => [r.name, r.id]));
    const unknown = Object.fromEntries(input.roles.flatMap((r, i) => (roleId.has(r.rolename) ? [] : [[`roles.${i}.rolename`, `names no role: there is no role ${JSON.stringify(r.rolename)}`]])));
    if (Object.keys(unknown).length) throw unprocessable(unknown);
    const data = { name: input.name, description: input.description };
    const group = before ? await tx.aclGroup.update({ where: { id: before.id }, data, select: { id: true } }) : await tx.aclGroup.create({ data, select: { id: true } });
    await tx.groupRole.deleteMany({ where: { groupId: group.id } });
    await tx.groupRole.createMany({ data: input.roles.map((r) => ({ groupId: group.id, roleId: roleId.get(r.rolename)!, priority: r.priority })) });
    const row = await tx.aclGroup.findUniqueOrThrow({ where: { id: group.id }, select: GROUP_SELECT });
    const applied = before ? await devicesAccessChanged(tx, { aclGroups: { some: { groupId: group.id } } }, `group ${row.name} changed`, before.name === row.name ? [{ kind: "group", name: row.name }] : [{ kind: "all" }]) : null;
    const audited = (g: typeof row) => ({ name: g.name, description: g.description, roles: toGroupDto(g).roles });
    await appendAudit(tx, actor, {
      action: before ? "group.update" : "group.create",
      targetType: "group",
      targetId: group.id,
      details: { ...(before ? { before: audited(before) } : {}), after: audited(row), devices: applied?.devices ?? 0 },
    });
    return { ...toGroupDto(row), revision: applied?.revision.toString() ?? null };
  });
}
