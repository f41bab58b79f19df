import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError, notFound } from "../../errors";

/** Deletes a role nobody holds; a role still given to devices or groups is refused, naming them. */
export async function deleteRole({ actor, name }: { actor: TActor; name: string }) {
  return change(async (tx) => {
    const role = await tx.aclRole.findUnique({ where: { name }, select: { id: true, name: true, acls: true, _count: { select: { devices: true } }, groups: { select: { group: { select: { name: true } } } } } });
    if (!role) throw notFound(`Role ${name}`);
    if (role._count.devices > 0 || role.groups.length > 0) {
      const holders = [role._count.devices ? `${role._count.devices} device(s)` : null, role.groups.length ? `group(s) ${role.groups.map((g) => g.group.name).join(", ")}` : null].filter(Boolean).join(" and ");
      throw new AppError("CONFLICT", `Role ${name} is held by ${holders}; take it from them first.`, { name: `is held by ${holders}` });
    }
    await tx.aclRole.delete({ where: { id: role.id } });
    await appendAudit(tx, actor, { action: "role.delete", targetType: "role", targetId: role.id, details: { before: { name: role.name, acls: role.acls } } });
    return { deleted: true };
  });
}
