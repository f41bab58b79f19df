import "server-only";
import pg from "pg";
import { finishWalk, startWalk, walkEvents } from "@/lib/domain/audit-chain";
import type { TStoredAuditEvent } from "@/lib/domain/audit-hash";
import type { TAuditVerify } from "@/lib/schemas/audit";
import { auditKeyRing } from "../../audit-key";
import { dbEnv } from "../../env";
import { readNewestCheckpoint } from "./checkpoint-file";

const BATCH = 20_000;

type TRow = Omit<TStoredAuditEvent, "at"> & { at: string };

/**
 * Walks the whole chain in id order and names the first event that does not link, hash or carry a valid MAC under
 * the audit key, then compares the head with the newest checkpoint kept outside the database, so a chain cut short
 * shows as a missing tail. The checkpoint is read first: the chain can only have grown past it since. Rows are read
 * in large batches on a connection of its own, with the time as the exact text the hash covers (no round trip
 * through a Date), and Postgres reads the next batch while this one is hashed, so a million events take seconds.
 */
export async function verifyAuditChain(): Promise<TAuditVerify> {
  const ring = auditKeyRing();
  const newest = await readNewestCheckpoint(ring.held);
  const cp = newest.checkpoint;
  const walk = startWalk(ring.held, cp);
  const client = new pg.Client({ connectionString: dbEnv().DATABASE_URL });
  await client.connect();
  const batchAfter = (after: string) =>
    client.query<TRow>(
      `SELECT e."id"::text AS id, to_char("at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, "actorType", "actorId", "actorLabel", "action",
              "targetType", "targetId", "ip", "userAgent", "details", "prevHash", "hash", "keyId", "mac"
       FROM "AuditEvent" e WHERE e."id" > $1 ORDER BY e."id" LIMIT ${BATCH}`,
      [after],
    );
  try {
    let next = batchAfter("0");
    for (;;) {
      const { rows } = await next;
      if (rows.length === 0) break;
      // The id is in the row: the next batch can be asked for before this one is hashed.
      next = batchAfter(rows.at(-1)!.id);
      if (walkEvents(walk, rows)) {
        await next.catch(() => undefined);
        break;
      }
    }
  } finally {
    await client.end();
  }
  const { broken, missingTail } = finishWalk(walk);
  return {
    ok: !broken && !missingTail,
    checked: broken ? broken.position : walk.checked,
    firstBroken: broken?.id ?? null,
    broken: broken ? { id: broken.id, why: broken.why } : null,
    missingTail,
    checkpoint: cp ? { headId: cp.headId, count: cp.count, at: cp.at, keyId: cp.keyId } : null,
    checkpointsSkipped: newest.skipped,
    keyedFrom: walk.keyedFrom,
    keyId: ring.current.id,
  };
}
