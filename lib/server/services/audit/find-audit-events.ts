import "server-only";
import { Prisma, type AuditEvent } from "@/lib/generated/prisma/client";
import type { TAuditEvent, TAuditQuery } from "@/lib/schemas/audit";
import { BAD_CURSOR, ZBigintCursor } from "@/lib/schemas/common";
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
  keyId: e.keyId,
  mac: e.mac,
});

const likeEscaped = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Every word of the query must match, as a prefix: the word itself as one lexeme when Postgres keeps it whole (a
 * compound like dev-04242 is indexed whole beside its parts: its parts, dev above all, would cost far more to look
 * up), otherwise the lexemes it splits into or the word itself (alone, a word can split otherwise than in its
 * context: 44e2f2ec reads as a number, then a word). The result is cast as a tsquery, not parsed again.
 */
async function searchQuery(q: string): Promise<string | null> {
  const words = q
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/['\\]/g, ""))
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (!words.length) return null;
  const [row] = await db.$queryRaw<{ q: string | null }[]>`
    SELECT string_agg(CASE WHEN split.kept THEN whole.q ELSE '(' || coalesce(split.q, whole.q) || ' | ' || whole.q || ')' END, ' & ') AS q
    FROM unnest(${words}::text[]) AS w(word)
    CROSS JOIN LATERAL (
      SELECT string_agg(quote_literal(lexeme) || ':*', ' & ') AS q, coalesce(bool_or(lexeme = w.word), false) AS kept
      FROM unnest(to_tsvector('simple'::regconfig, w.word))
    ) AS split
    CROSS JOIN LATERAL (SELECT quote_literal(w.word) || ':*' AS q) AS whole`;
  return row?.q ?? null;
}

/** The WHERE clause of a filtered range of the log (shared by the list and the export). */
export async function auditWhere(query: Omit<TAuditQuery, "limit" | "cursor">): Promise<Prisma.Sql> {
  const and: Prisma.Sql[] = [Prisma.sql`TRUE`];
  // An anonymous actor's label is never a name (older events kept what was typed there): only "anonymous" finds them.
  if (query.actor) and.push(Prisma.sql`"actorLabel" ILIKE ${`%${likeEscaped(query.actor)}%`} AND ("actorType" <> 'anonymous' OR "actorLabel" = 'anonymous')`);
  if (query.action) and.push(Prisma.sql`"action" LIKE ${`${likeEscaped(query.action)}%`}`);
  if (query.targetType) and.push(Prisma.sql`"targetType" = ${query.targetType}`);
  if (query.target) and.push(Prisma.sql`"targetId" = ${query.target}`);
  if (query.from) and.push(Prisma.sql`"at" >= ${new Date(query.from)}`);
  if (query.to) and.push(Prisma.sql`"at" <= ${new Date(query.to)}`);
  if (query.q) {
    const tsq = await searchQuery(query.q);
    and.push(tsq ? Prisma.sql`"search" @@ ${tsq}::tsquery` : Prisma.sql`FALSE`);
  }
  return Prisma.join(and, " AND ");
}

/** The query's schema (ZBigintCursor) refused any other cursor already; this is for other callers. */
export function parseCursor(cursor: string | undefined): bigint | null {
  if (cursor === undefined) return null;
  if (!ZBigintCursor.safeParse(cursor).success) throw new AppError("UNPROCESSABLE", "Invalid cursor.", { cursor: BAD_CURSOR });
  return BigInt(cursor);
}

const COLUMNS = Prisma.sql`"id", "at", "actorType", "actorId", "actorLabel", "action", "targetType", "targetId", "ip", "userAgent", "details", "prevHash", "hash", "keyId", "mac"`;
/** Free text first looks at this many of the newest events (before the cursor) in id order. */
const SEARCH_WINDOW = 5_000;

/**
 * Newest first; keyset paging on id so deep pages cost the same as the first. Free text runs in two steps, because
 * Postgres cannot tell how common a word prefix is: the newest events in id order (a common word fills the page
 * there), then, if the page is not full, the older ones through the search index alone (ordering by "id" + 0 keeps
 * the planner from walking a million rows in id order looking for a rare word).
 */
export async function findAuditEvents(query: TAuditQuery) {
  const cursor = parseCursor(query.cursor);
  const where = await auditWhere(query);
  const want = query.limit + 1;
  const before = cursor === null ? Prisma.empty : Prisma.sql`AND "id" < ${cursor}`;
  let rows: AuditEvent[];
  if (!query.q) {
    rows = await db.$queryRaw<AuditEvent[]>`SELECT ${COLUMNS} FROM "AuditEvent" WHERE ${where} ${before} ORDER BY "id" DESC LIMIT ${want}`;
  } else {
    const hi = cursor ?? ((await db.$queryRaw<{ m: bigint | null }[]>`SELECT max("id") AS m FROM "AuditEvent"`)[0]?.m ?? BigInt(0)) + BigInt(1);
    const floor = hi - BigInt(SEARCH_WINDOW);
    rows = await db.$queryRaw<AuditEvent[]>`SELECT ${COLUMNS} FROM "AuditEvent" WHERE ${where} AND "id" < ${hi} AND "id" >= ${floor} ORDER BY "id" DESC LIMIT ${want}`;
    if (rows.length < want) {
      rows = rows.concat(await db.$queryRaw<AuditEvent[]>`SELECT ${COLUMNS} FROM "AuditEvent" WHERE ${where} AND "id" < ${floor} ORDER BY "id" + 0 DESC LIMIT ${want - rows.length}`);
    }
  }
  const page = rows.slice(0, query.limit);
  return { items: page.map(toAuditDto), nextCursor: rows.length > query.limit ? (page.at(-1)?.id.toString() ?? null) : null };
}
