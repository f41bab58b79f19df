import "server-only";
import { change } from "../../change";
import { appendAudit, type TActor } from "../../audit";
import { AppError } from "../../errors";
import { desiredStateChanged } from "../../queue";
import { queueKick } from "../fleet/revocations";
import { toDeviceDto } from "./device-dto";

export type TUpdateDeviceOptions = { actor: TActor; id: string; input: { disabled: boolean } };

/** Disables (no broker accepts or serves it; open sessions closed) or enables a device, keeping its credentials. */
export async function updateDevice({ actor, id, input }: TUpdateDeviceOptions) {
  const device = await change(async (tx) => {
    const before = await tx.device.findUnique({ where: { id } });
    if (!before) throw new AppError("NOT_FOUND", "Device was not found.");
    if (before.disabled === input.disabled) return tx.device.findUniqueOrThrow({ where: { id }, include: { certificates: true } });
    const revision = await desiredStateChanged(tx, `device ${before.clientId} ${input.disabled ? "disabled" : "enabled"}`);
    if (input.disabled) await queueKick(tx, before.clientId, revision, "disabled");
    const after = await tx.device.update({ where: { id }, data: { disabled: input.disabled, revision }, include: { certificates: true } });
    await appendAudit(tx, actor, {
      action: input.disabled ? "device.disable" : "device.enable",
      targetType: "device",
      targetId: id,
      details: { clientId: before.clientId, before: { disabled: before.disabled }, after: { disabled: after.disabled } },
    });
    return after;
  });
  return toDeviceDto(device);
}
