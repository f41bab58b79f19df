import "server-only";
import { accessOfDevice } from "../acl/device-access";
import type { Prisma } from "@/lib/generated/prisma/client";
import { BAD_CURSOR } from "@/lib/schemas/common";
import { ZDeviceQuery } from "@/lib/schemas/device";
import { db } from "../../db";
import { AppError } from "../../errors";
import { toBrokerDto } from "../brokers/broker-dto";
import { toDeviceDto } from "./device-dto";

export type TFindDevicesOptions = { q?: string; limit: number; cursor?: string };

/** Matches found by the search indexes before the page is sorted; more means a common word, read in order instead. */
const SEARCH_WINDOW = 5_000;

/** `q` as an ILIKE pattern for "contains": its own %, _ and \ are literal. */
const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The page of client ids matching `q` after the cursor (one more than `limit`, to tell whether another page follows),
 * found through the search indexes (trigram on client id and name, GIN on tags; one branch each, so each uses its
 * own); null when more than SEARCH_WINDOW
 * match. Postgres cannot tell how rare a substring is, and would otherwise read the whole table in client id order
 * looking for a rare one.
 */
async function searchPage(q: string, cursor: string | undefined, limit: number): Promise<string[] | null> {
  const pattern = containsPattern(q);
  const [r] = await db.$queryRaw<{ n: number; page: string[] }[]>`
    WITH m AS MATERIALIZED (
      SELECT "clientId" FROM (
        SELECT "clientId" FROM "Device" WHERE "clientId" ILIKE ${pattern}
        UNION SELECT "clientId" FROM "Device" WHERE "name" ILIKE ${pattern}
        UNION SELECT "clientId" FROM "Device" WHERE "tags" @> ARRAY[${q}]::text[]
      ) u WHERE "clientId" > ${cursor ?? ""}
      LIMIT ${SEARCH_WINDOW + 1}
    )
    SELECT (SELECT count(*)::int FROM m) AS n, ARRAY(SELECT "clientId" FROM m ORDER BY "clientId" LIMIT ${limit + 1}) AS page`;
  return r!.n > SEARCH_WINDOW ? null : r!.page;
}

/** Devices by client id; `q` matches client id, name or tag; the cursor is the last client id of the page. */
export async function findDevices({ q, limit, cursor }: TFindDevicesOptions) {
  // The query's schema refused any other cursor already; this is for other callers.
  if (!ZDeviceQuery.shape.cursor.safeParse(cursor).success) throw new AppError("UNPROCESSABLE", "Invalid cursor.", { cursor: BAD_CURSOR });
  const matched = q ? await searchPage(q, cursor, limit) : null;
  const where: Prisma.DeviceWhereInput = matched
    ? { clientId: { in: matched } }
    : {
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
