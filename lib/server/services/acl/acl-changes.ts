import "server-only";
import type { TFleetChange } from "@/lib/domain/plugin-ops";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { TTx } from "../../db";
import { AppError } from "../../errors";
import { desiredStateChanged } from "../../queue";

/** Devices whose access a role decides: holding it directly or through a group. */
export const devicesHoldingRole = (roleId: string): Prisma.DeviceWhereInput => ({
  OR: [{ aclRoles: { some: { roleId } } }, { aclGroups: { some: { group: { roles: { some: { roleId } } } } } }],
});

/**
 * The desired state moves on when a change reaches any device: one new revision, a sync per broker, and each
 * affected device marked with it (its page shows when every broker holds it). Null when no device is affected.
 */
export async function devicesAccessChanged(tx: TTx, where: Prisma.DeviceWhereInput, reason: string, changes: readonly TFleetChange[]): Promise<{ revision: bigint; devices: number } | null> {
  const devices = await tx.device.count({ where });
  if (devices === 0) return null;
  const revision = await desiredStateChanged(tx, reason, { changes });
  await tx.device.updateMany({ where, data: { revision } });
  return { revision, devices };
}

export const unprocessable = (fields: Record<string, string>) =>
  new AppError("UNPROCESSABLE", `${Object.keys(fields).length === 1 ? "A name" : "Some names"} in the request refer to nothing; nothing was written.`, fields);
