import "server-only";
import { db } from "../../db";

/** The known devices among these client ids. */
export async function lookupDevices(clientIds: readonly string[]) {
  const devices = await db.device.findMany({ where: { clientId: { in: [...new Set(clientIds)] } }, select: { id: true, clientId: true, name: true } });
  return { devices };
}
