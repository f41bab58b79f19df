import "server-only";
import pg from "pg";
import { firstBrokenLink, GENESIS_HASH, type TChainLink } from "@/lib/domain/audit-hash";
import { dbEnv } from "../../env";

const BATCH = 20_000;

type TRow = Omit<TChainLink, "at"> & { at: string };

/**
 * Walks the whole chain in id order and names the first event that does not link or hash. It reads in large
 * batches on a connection of its own, with the time as the exact text the hash covers (no round trip through a
 * Date), and Postgres reads the next batch while this one is hashed, so a million events take seconds.
 */
export async function verifyAuditChain() {
  const client = new pg.Client({ connectionString: dbEnv().DATABASE_URL });
  await client.connect();
  const batchAfter = (after: string) =>
    client.query<TRow>(
      `SELECT e."id"::text AS id, to_char("at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, "actorType", "actorId", "actorLabel", "action",
              "targetType", "targetId", "ip", "userAgent", "details", "prevHash", "hash"
       FROM "AuditEvent" e WHERE e."id" > $1 ORDER BY e."id" LIMIT ${BATCH}`,
      [after],
    );
  try {
    let prevHash = GENESIS_HASH;
    let checked = 0;
    let next = batchAfter("0");
    for (;;) {
      const { rows } = await next;
      if (rows.length === 0) break;
      // The id is in the row: the next batch can be asked for before this one is hashed.
      next = batchAfter(rows.at(-1)!.id);
      const broken = firstBrokenLink(prevHash, rows);
      if (broken !== null) {
        await next.catch(() => undefined);
        return { ok: false, checked: checked + rows.findIndex((r) => r.id === broken) + 1, firstBroken: broken };
      }
      checked += rows.length;
      prevHash = rows.at(-1)!.hash;
    }
    return { ok: true, checked, firstBroken: null };
  } finally {
    await client.end();
  }
}
