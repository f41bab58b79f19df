import "server-only";
import { db } from "../../db";

/** A day of changes is kept for any broker; a broker further behind gets its whole state. */
const KEEP_MS = 24 * 60 * 60_000;

/**
 * Forgets the change records every broker with the plugin has applied, once a day old (the worker's hourly
 * housekeeping); a broker still behind keeps the records it needs for a delta. Returns how many were removed.
 */
export async function pruneFleetChanges(): Promise<number> {
  const behind = await db.broker.aggregate({ where: { enforcement: "PLUGIN" }, _min: { appliedRevision: true } });
  const { count } = await db.fleetChange.deleteMany({
    where: { createdAt: { lt: new Date(Date.now() - KEEP_MS) }, ...(behind._min.appliedRevision !== null ? { revision: { lte: behind._min.appliedRevision } } : {}) },
  });
  return count;
}
