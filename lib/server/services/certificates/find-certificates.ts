import "server-only";
import { certificateStatus, daysFromNow, statusRange } from "@/lib/domain/certificate-status";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { TCertificate, TCertificateQuery } from "@/lib/schemas/certificate";
import { offsetOfCursor } from "@/lib/schemas/common";
import { db } from "../../db";
import { AppError, notFound } from "../../errors";

const include = { device: { select: { id: true, clientId: true } } } as const;
type TRow = Prisma.CertificateGetPayload<{ include: typeof include }>;

export function toCertificateDto(c: TRow, now = new Date()): TCertificate {
  return {
    id: c.id,
    kind: c.kind,
    subject: c.subject,
    sans: c.sans,
    issuer: c.issuer,
    serial: c.serial,
    fingerprint256: c.fingerprint256,
    keyType: c.keyType,
    keyBits: c.keyBits,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    status: certificateStatus(c, now),
    revokedAt: c.revokedAt?.toISOString() ?? null,
    revocationReason: c.revocationReason,
    device: c.device,
  };
}

/** The cursor is the offset of the next page: the inventory sorts by several columns, each with ties. */
function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const n = offsetOfCursor(cursor);
  if (n === null) throw new AppError("UNPROCESSABLE", "Invalid query: cursor is not a valid cursor.", { cursor: "is not a valid cursor" });
  return n;
}

/** Every certificate Fleetward knows (CA, brokers, its own client identities, devices), searched, filtered and sorted. */
export async function findCertificates(q: TCertificateQuery) {
  const now = new Date();
  const where: Prisma.CertificateWhereInput[] = [];
  if (q.q) {
    const text = { contains: q.q, mode: "insensitive" as const };
    const hex = q.q.replace(/[:\s]/g, "").toLowerCase();
    where.push({
      OR: [{ subject: text }, { issuer: text }, { sans: { has: q.q } }, { device: { clientId: text } }, ...(/^[0-9a-f]+$/.test(hex) ? [{ serial: { startsWith: hex.replace(/^0+/, "") } }] : []), { fingerprint256: text }],
    });
  }
  if (q.kind) where.push({ kind: q.kind });
  if (q.status === "revoked") where.push({ revokedAt: { not: null } });
  else if (q.status) where.push({ revokedAt: null, notAfter: statusRange(q.status, now) });
  if (q.expiresWithinDays) where.push({ revokedAt: null, notAfter: { gt: now, lte: daysFromNow(q.expiresWithinDays, now) } });
  const skip = offsetOf(q.cursor);
  const rows = await db.certificate.findMany({
    where: { AND: where },
    include,
    orderBy: [{ [q.sort]: q.order }, { id: "asc" }],
    skip,
    take: q.limit + 1,
  });
  const more = rows.length > q.limit;
  return {
    items: rows.slice(0, q.limit).map((c) => toCertificateDto(c, now)),
    nextCursor: more ? Buffer.from(String(skip + q.limit)).toString("base64url") : null,
  };
}

export async function getCertificate(id: string) {
  const c = await db.certificate.findUnique({ where: { id }, include });
  if (!c) throw notFound("Certificate");
  return { ...toCertificateDto(c), pem: c.pem };
}
