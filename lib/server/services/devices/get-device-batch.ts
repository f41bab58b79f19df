import "server-only";
import type { TDeviceBatch } from "@/lib/schemas/device";
import { toBrokerDto } from "../brokers/broker-dto";
import { db } from "../../db";
import { notFound } from "../../errors";

/**
 * A bulk import and its push: per broker, whether it applied the import's revision (or, once cancelled, the
 * revision that removed it). Read from Postgres, so progress survives a restart of Fleetward or the browser.
 */
export async function getDeviceBatch(id: string): Promise<TDeviceBatch> {
  const [batch, remaining, brokers, fleet] = await Promise.all([
    db.deviceBatch.findUnique({ where: { id } }),
    db.device.count({ where: { batchId: id } }),
    db.broker.findMany({ orderBy: { name: "asc" } }),
    db.fleetState.findUniqueOrThrow({ where: { id: 1 } }),
  ]);
  if (!batch) throw notFound("Device batch");
  const target = batch.cancelRevision ?? batch.revision;
  const now = new Date();
  const perBroker = brokers.map((b) => {
    const dto = toBrokerDto(b, fleet.revision, now);
    const applied = b.appliedRevision >= target;
    const state = applied ? "applied" : !dto.reachable ? "offline" : dto.syncState === "error" ? "error" : "pending";
    return { broker: b.name, state, appliedRevision: dto.appliedRevision, lastError: applied ? null : dto.lastError } as const;
  });
  const allApplied = perBroker.every((b) => b.state === "applied");
  const status = batch.cancelledAt ? (allApplied ? "cancelled" : "cancelling") : allApplied ? "done" : "pushing";
  return {
    id: batch.id,
    count: batch.count,
    remaining,
    revision: batch.revision.toString(),
    status,
    createdBy: batch.createdBy,
    createdAt: batch.createdAt.toISOString(),
    cancelledAt: batch.cancelledAt?.toISOString() ?? null,
    brokers: perBroker,
  };
}
