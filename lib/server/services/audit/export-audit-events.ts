import "server-only";
import { Prisma, type AuditEvent } from "@/lib/generated/prisma/client";
import { csvHeader, csvRow, jsonLine } from "@/lib/domain/audit-export";
import type { TAuditExportQuery } from "@/lib/schemas/audit";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";
import { auditWhere, toAuditDto } from "./find-audit-events";

/** Rows read per round: the export streams, whatever the range's size. */
const BATCH = 2_000;

/**
 * A filtered range of the log, oldest first, as CSV or JSON Lines, streamed in batches as the client reads it.
 * The export itself is audited (who exported what) before the first byte.
 */
export async function exportAuditEvents({ actor, query }: { actor: TActor; query: TAuditExportQuery }): Promise<Response> {
  const { format, ...filters } = query;
  const where = await auditWhere(filters);
  // The log as it stood when asked: events after this one (the export's own audit event first) are not in it.
  const [top] = await db.$queryRaw<{ m: bigint | null }[]>`SELECT max("id") AS m FROM "AuditEvent"`;
  const last = top?.m ?? BigInt(0);
  await change((tx) => appendAudit(tx, actor, { action: "audit.export", targetType: "audit", details: { format, filters, upToEvent: last.toString() } }));
  const encoder = new TextEncoder();
  let after = BigInt(0);
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const rows = await db.$queryRaw<AuditEvent[]>`
        SELECT "id", "at", "actorType", "actorId", "actorLabel", "action", "targetType", "targetId", "ip", "userAgent", "details", "prevHash", "hash", "keyId", "mac"
        FROM "AuditEvent" WHERE ${where} AND "id" > ${after} AND "id" <= ${last} ORDER BY "id" ASC LIMIT ${Prisma.raw(String(BATCH))}`;
      let text = !started && format === "csv" ? csvHeader() : "";
      started = true;
      for (const r of rows) text += format === "csv" ? csvRow(toAuditDto(r)) : jsonLine(toAuditDto(r));
      if (text) controller.enqueue(encoder.encode(text));
      if (rows.length < BATCH) controller.close();
      else after = rows.at(-1)!.id;
    },
  });
  const stamp = new Date().toISOString().replaceAll(":", "-").slice(0, 19);
  return new Response(body, {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="fleetward-audit-${stamp}.${format === "csv" ? "csv" : "jsonl"}"`,
      "cache-control": "no-store",
    },
  });
}
