import "server-only";
import type { TRoleInput } from "@/lib/schemas/acl";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError, notFound } from "../../errors";
import { devicesAccessChanged, devicesHoldingRole } from "./acl-changes";
import { ROLE_SELECT, toRoleDto } from "./find-roles";

export type TSaveRoleOptions = { actor: TActor; input: TRoleInput; /** The role to change; absent to create one. */ previousName?: string };

const audited = ({ name, description, acls, forNewDevices }: { name: string; description: string; acls: unknown; forNewDevices: boolean }) => ({ name, description, acls, forNewDevices });

/**
 * Creates or changes (and may rename) a role. Its holders' acl_file lines change on every broker through the sync
 * engine; the answer names the revision that carries the change (null when no device holds the role).
 */
export async function saveRole({ actor, input, previousName }: TSaveRoleOptions) {
  return change(async (tx) => {
    const before = previousName === undefined ? null : await tx.aclRole.findUnique({ where: { name: previousName }, select: ROLE_SELECT });
    if (previousName !== undefined && !before) throw notFound(`Role ${previousName}`);
    if (input.name !== previousName && (await tx.aclRole.findUnique({ where: { name: input.name }, select: { id: true } }))) {
      throw new AppError("CONFLICT", `A role named ${input.name} already exists.`, { name: "is already in use" });
    }
    const data = { name: input.name, description: input.description, acls: input.acls, forNewDevices: input.forNewDevices };
    const row = before ? await tx.aclRole.update({ where: { id: before.id }, data, select: ROLE_SELECT }) : await tx.aclRole.create({ data, select: ROLE_SELECT });
    const applied = before ? await devicesAccessChanged(tx, devicesHoldingRole(row.id), `role ${row.name} changed`, before.name === row.name ? [{ kind: "role", name: row.name }] : [{ kind: "all" }]) : null;
    await appendAudit(tx, actor, {
      action: before ? "role.update" : "role.create",
      targetType: "role",
      targetId: row.id,
      details: { ...(before ? { before: audited(before) } : {}), after: audited(row), devices: applied?.devices ?? 0 },
    });
    return { ...toRoleDto(row), revision: applied?.revision.toString() ?? null };
  });
}
