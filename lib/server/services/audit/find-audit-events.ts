import "server-only";
import type { AuditEvent, Prisma } from "@/lib/generated/prisma/client";
import type { TAuditEvent, TAuditQuery } from "@/lib/schemas/audit";
import { db } from "../../db";
import { AppError } from "../../errors";

export const toAuditDto = (e: AuditEvent): TAuditEvent => ({
  id: e.id.toString(),
  at: e.at.toISOString(),
  actorType: e.actorType,
  actorId: e.actorId,
  actorLabel: e.actorLabel,
  action: e.action,
  targetType: e.targetType,
  targetId: e.targetId,
  ip: e.ip,
  userAgent: e.userAgent,
  details: e.details,
  prevHash: e.prevHash,
  hash: e.hash,
});

/** Newest first; keyset paging on id so deep pages cost the same as the first. */
export async function findAuditEvents(query: TAuditQuery) {
  if (query.cursor !== undefined && !/^\d{1,19}$/.test(query.cursor)) {
    throw new AppError("UNPROCESSABLE", "Invalid cursor.", { cursor: "is not a cursor this API returned" });
  }
  const where: Prisma.AuditEventWhereInput = {
    ...(query.actor ? { actorLabel: { contains: query.actor, mode: "insensitive" } } : {}),
    ...(query.action ? { action: { startsWith: query.action } } : {}),
    ...(query.targetType ? { targetType: query.targetType } : {}),
    ...(query.target ? { targetId: query.target } : {}),
    ...(query.from || query.to
      ? { at: { ...(query.from ? { gte: new Date(query.from) } : {}), ...(query.to ? { lte: new Date(query.to) } : {}) } }
      : {}),
    ...(query.cursor ? { id: { lt: BigInt(query.cursor) } } : {}),
  };
  const rows = await db.auditEvent.findMany({ where, orderBy: { id: "desc" }, take: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  return { items: page.map(toAuditDto), nextCursor: rows.length > query.limit ? (page.at(-1)?.id.toString() ?? null) : null };
}
