import "server-only";
import { change } from "../../change";
import { appendAudit, type TActor } from "../../audit";
import { AppError } from "../../errors";
import { desiredStateChanged } from "../../queue";
import { queueKick } from "../fleet/revocations";
import type { TGroupRef, TRoleRef } from "@/lib/domain/acl/dynsec";
import { accessOfDevice, assignDeviceAccess } from "../acl/device-access";
import { getDevice } from "./find-devices";

export type TUpdateDeviceOptions = { actor: TActor; id: string; input: { disabled?: boolean; roles?: TRoleRef[]; groups?: TGroupRef[] } };

/**
 * Disables (no broker accepts or serves it; open sessions closed) or enables a device, keeping its credentials;
 * and gives it roles and groups (its acl_file lines change on every broker; its sessions stay open). One
 * transaction, one revision, an audit event per kind of change.
 */
export async function updateDevice({ actor, id, input }: TUpdateDeviceOptions) {
  await change(async (tx) => {
    const before = await tx.device.findUnique({ where: { id } });
    if (!before) throw new AppError("NOT_FOUND", "Device was not found.");
    const access = input.roles !== undefined || input.groups !== undefined;
    const toggled = input.disabled !== undefined && input.disabled !== before.disabled;
    if (!access && !toggled) return;
    const accessBefore = access ? await accessOfDevice(tx, id) : null;
    if (access) await assignDeviceAccess(tx, [{ deviceId: id, field: "", roles: input.roles, groups: input.groups }], false);
    const what = [toggled ? (input.disabled ? "disabled" : "enabled") : null, access ? "roles changed" : null].filter(Boolean).join(", ");
    const revision = await desiredStateChanged(tx, `device ${before.clientId} ${what}`, { changes: [{ kind: "device", clientId: before.clientId }] });
    if (toggled && input.disabled) await queueKick(tx, before.clientId, revision, "disabled");
    const after = await tx.device.update({ where: { id }, data: { ...(toggled ? { disabled: input.disabled } : {}), revision } });
    if (toggled) {
      await appendAudit(tx, actor, {
        action: after.disabled ? "device.disable" : "device.enable",
        targetType: "device",
        targetId: id,
        details: { clientId: before.clientId, before: { disabled: before.disabled }, after: { disabled: after.disabled } },
      });
    }
    if (accessBefore) {
      await appendAudit(tx, actor, { action: "device.access_update", targetType: "device", targetId: id, details: { clientId: before.clientId, before: accessBefore, after: await accessOfDevice(tx, id) } });
    }
  });
  return getDevice(id);
}
