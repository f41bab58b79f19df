import "server-only";
import type { TDefaultAccess } from "@/lib/domain/acl/dynsec";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { devicesAccessChanged } from "./acl-changes";

/** Sets what a device may do where none of its rules decides; every device's lines are rendered anew. */
export async function setAclDefaults({ actor, input }: { actor: TActor; input: TDefaultAccess }) {
  return change(async (tx) => {
    const before = (await tx.fleetState.findUniqueOrThrow({ where: { id: 1 }, select: { aclDefaults: true } })).aclDefaults as TDefaultAccess;
    const same = (Object.keys(input) as (keyof TDefaultAccess)[]).every((k) => before[k] === input[k]);
    await tx.fleetState.update({ where: { id: 1 }, data: { aclDefaults: input } });
    const applied = same ? null : await devicesAccessChanged(tx, {}, "default ACL access changed", [{ kind: "defaults" }]);
    await appendAudit(tx, actor, { action: "acl.defaults_update", targetType: "fleet", details: { before, after: input, devices: applied?.devices ?? 0 } });
    return { ...input, revision: applied?.revision.toString() ?? null };
  });
}
