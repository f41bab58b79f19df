import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError, notFound } from "../../errors";

/** Deletes a group with no devices in it; one that still holds devices is refused, naming how many. */
export async function deleteGroup({ actor, name }: { actor: TActor; name: string }) {
  return change(async (tx) => {
    const group = await tx.aclGroup.findUnique({ where: { name }, select: { id: true, name: true, _count: { select: { devices: true } } } });
    if (!group) throw notFound(`Group ${name}`);
    if (group._count.devices > 0) throw new AppError("CONFLICT", `Group ${name} still holds ${group._count.devices} device(s); take them out first.`, { name: `holds ${group._count.devices} device(s)` });
    await tx.aclGroup.delete({ where: { id: group.id } });
    await appendAudit(tx, actor, { action: "group.delete", targetType: "group", targetId: group.id, details: { before: { name: group.name } } });
    return { deleted: true };
  });
}
