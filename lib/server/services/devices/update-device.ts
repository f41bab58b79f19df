import "server-only";
import { change } from "../../change";
import { appendAudit, type TActor } from "../../audit";
import { AppError } from "../../errors";
import { desiredStateChanged } from "../../queue";
import { queueKick } from "../fleet/revocations";
import type { TGroupRef, TRoleRef } from "@/lib/domain/acl/dynsec";
import { accessOfDevice, assignDeviceAccess } from "../acl/device-access";
import { toDeviceDto } from "./device-dto";
import { getDevice } from "./find-devices";

export type TUpdateDeviceOptions = { actor: TActor; id: string; input: { disabled?: boolean; roles?: TRoleRef[]; groups?: TGroupRef[] } };

/**
 * Disables (no broker accepts or serves it; open sessions closed) or enables a device, keeping its credentials;
 * and gives it roles and groups (its acl_file lines change on every broker; its sessions stay open).
 */
export async function updateDevice({ actor, id, input }: TUpdateDeviceOptions) {
  if (input.roles !== undefined || input.groups !== undefined) await updateDeviceAccess(actor, id, input);
  if (input.disabled === undefined) return getDevice(id);
  const disabled = input.disabled;
  const device = await change(async (tx) => {
    const before = await tx.device.findUnique({ where: { id } });
    if (!before) throw new AppError("NOT_FOUND", "Device was not found.");
    if (before.disabled === disabled) return tx.device.findUniqueOrThrow({ where: { id }, include: { certificates: true } });
    const revision = await desiredStateChanged(tx, `device ${before.clientId} ${disabled ? "disabled" : "enabled"}`);
    if (disabled) await queueKick(tx, before.clientId, revision, "disabled");
    const after = await tx.device.update({ where: { id }, data: { disabled, revision }, include: { certificates: true } });
    await appendAudit(tx, actor, {
      action: disabled ? "device.disable" : "device.enable",
      targetType: "device",
      targetId: id,
      details: { clientId: before.clientId, before: { disabled: before.disabled }, after: { disabled: after.disabled } },
    });
    return after;
  });
  return { ...(await getDevice(device.id)), ...toDeviceDto(device) };
}

async function updateDeviceAccess(actor: TActor, id: string, input: { roles?: TRoleRef[]; groups?: TGroupRef[] }) {
  await change(async (tx) => {
    const device = await tx.device.findUnique({ where: { id }, select: { clientId: true } });
    if (!device) throw new AppError("NOT_FOUND", "Device was not found.");
    const before = await accessOfDevice(tx, id);
    await assignDeviceAccess(tx, [{ deviceId: id, field: "", ...input }], false);
    const after = await accessOfDevice(tx, id);
    const revision = await desiredStateChanged(tx, `device ${device.clientId} roles changed`);
    await tx.device.update({ where: { id }, data: { revision } });
    await appendAudit(tx, actor, { action: "device.access_update", targetType: "device", targetId: id, details: { clientId: device.clientId, before, after } });
  });
}
