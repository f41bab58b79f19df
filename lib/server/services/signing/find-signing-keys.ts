import "server-only";
import type { TSigningKey } from "@/lib/schemas/signing";
import { db } from "../../db";
import { AppError } from "../../errors";
import { toSigningKeyDto } from "./signing-key-dto";

/** A device's signing keys, newest first (active and revoked). */
export async function findSigningKeys(deviceId: string): Promise<{ items: TSigningKey[]; nextCursor: null }> {
  const device = await db.device.findUnique({ where: { id: deviceId }, select: { clientId: true, signingKeys: { orderBy: { createdAt: "desc" } } } });
  if (!device) throw new AppError("NOT_FOUND", "Device was not found.");
  return { items: device.signingKeys.map((k) => toSigningKeyDto(k, device.clientId)), nextCursor: null };
}
