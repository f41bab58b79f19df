import "server-only";
import { accessOfDevice } from "../acl/device-access";
import type { Prisma } from "@/lib/generated/prisma/client";
import { db } from "../../db";
import { AppError } from "../../errors";
import { toBrokerDto } from "../brokers/broker-dto";
import { toDeviceDto } from "./device-dto";

export type TFindDevicesOptions = { q?: string; limit: number; cursor?: string };

/** Devices by client id; `q` matches client id, name or tag; the cursor is the last client id of the page. */
export async function findDevices({ q, limit, cursor }: TFindDevicesOptions) {
  if (cursor !== undefined && cursor.length === 0) throw new AppError("UNPROCESSABLE", "Invalid cursor.", { cursor: "is empty" });
  const where: Prisma.DeviceWhereInput = {
    ...(q ? { OR: [{ clientId: { contains: q, mode: "insensitive" } }, { name: { contains: q, mode: "insensitive" } }, { tags: { has: q } }] } : {}),
    ...(cursor ? { clientId: { gt: cursor } } : {}),
  };
  const rows = await db.device.findMany({ where, orderBy: { clientId: "asc" }, take: limit + 1, include: { certificates: { select: { revokedAt: true } } } });
  const page = rows.slice(0, limit);
  return { items: page.map(toDeviceDto), nextCursor: rows.length > limit ? (page.at(-1)?.clientId ?? null) : null };
}

/** One device with its certificates and, per broker, whether that broker already holds it as it is now. */
export async function getDevice(id: string) {
  const [d, brokers, state] = await Promise.all([
    db.device.findUnique({ where: { id }, include: { certificates: { orderBy: { createdAt: "desc" } } } }),
    db.broker.findMany({ orderBy: { name: "asc" } }),
    db.fleetState.findUniqueOrThrow({ where: { id: 1 } }),
  ]);
  if (!d) throw new AppError("NOT_FOUND", "Device was not found.");
  return {
    ...toDeviceDto(d),
    ...(await accessOfDevice(db, d.id)),
    certificates: d.certificates.map((c) => ({
      id: c.id,
      serial: c.serial,
      subject: c.subject,
      fingerprint256: c.fingerprint256,
      keyType: c.keyType,
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      revokedAt: c.revokedAt?.toISOString() ?? null,
      revocationReason: c.revocationReason,
      pem: c.pem,
    })),
    brokers: brokers.map((b) => {
      const dto = toBrokerDto(b, state.revision);
      return { broker: b.name, brokerId: b.id, syncState: dto.syncState, applied: b.appliedRevision >= d.revision };
    }),
  };
}
