import "server-only";
import type { Prisma, SecurityFinding } from "@/lib/generated/prisma/client";
import type { TFinding, TFindingQuery } from "@/lib/schemas/security";
import { db } from "../../db";
import { AppError } from "../../errors";

export const toFindingDto = (f: SecurityFinding): TFinding => ({
  id: f.id,
  rule: f.rule,
  subject: f.subject,
  severity: f.severity as TFinding["severity"],
  title: f.title,
  detail: f.detail,
  evidence: f.evidence,
  count: f.count,
  firstAt: f.firstAt.toISOString(),
  lastAt: f.lastAt.toISOString(),
  resolvedAt: f.resolvedAt?.toISOString() ?? null,
  resolvedBy: f.resolvedBy,
});

const RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/** Findings, most recently seen first (open ones by default), paged by a cursor on (lastAt, id). */
export async function findFindings(query: TFindingQuery) {
  let after: { lastAt: Date; id: string } | null = null;
  if (query.cursor) {
    const [at, id] = query.cursor.split("_");
    if (!at || !id || Number.isNaN(Date.parse(at))) throw new AppError("UNPROCESSABLE", "Invalid cursor.", { cursor: "is not a cursor this API returned" });
    after = { lastAt: new Date(at), id };
  }
  const where: Prisma.SecurityFindingWhereInput = {
    ...(query.status === "open" ? { resolvedAt: null } : query.status === "resolved" ? { resolvedAt: { not: null } } : {}),
    ...(query.severity ? { severity: query.severity } : {}),
    ...(query.rule ? { rule: query.rule } : {}),
    ...(after ? { OR: [{ lastAt: { lt: after.lastAt } }, { lastAt: after.lastAt, id: { lt: after.id } }] } : {}),
  };
  const rows = await db.securityFinding.findMany({ where, orderBy: [{ lastAt: "desc" }, { id: "desc" }], take: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const counts = await db.securityFinding.groupBy({ by: ["severity"], where: { resolvedAt: null }, _count: true });
  return {
    items: page.map(toFindingDto),
    nextCursor: rows.length > query.limit && last ? `${last.lastAt.toISOString()}_${last.id}` : null,
    open: Object.fromEntries(Object.keys(RANK).map((s) => [s, counts.find((c) => c.severity === s)?._count ?? 0])) as Record<keyof typeof RANK, number>,
  };
}
