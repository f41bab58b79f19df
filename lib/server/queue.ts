import "server-only";
import PgBoss from "pg-boss";
import type { TFleetChange } from "@/lib/domain/plugin-ops";
import type { TTx } from "./db";
import { dbEnv } from "./env";

// Durable jobs in Postgres (pg-boss). A change enqueues its job in the same transaction, so a job exists
// exactly when the change committed; workers in any replica pick it up, one at a time per job.

export const QUEUES = {
  /** Push the current desired state to one broker (a sync holds that broker's lock; an up-to-date broker is skipped). */
  brokerSync: "broker-sync",
  /** Periodic: enqueue a sync for every broker, which also repairs drift. */
  brokerReconcile: "broker-reconcile",
} as const;

/** NOTIFYed in the transaction that enqueues syncs; workers LISTEN and start at once after commit. */
export const SYNC_WAKEUP_CHANNEL = "fleetward_sync";

/** `force`: push even when the broker looks up to date (reconcile). */
export type TBrokerSyncJob = { brokerId: string; reason: string; force?: boolean };

// A sync that has not finished in 30 s is presumed lost with its worker and is retried (applying is idempotent).
// A failed sync (broker down, admin channel cut) is retried with exponential backoff and jitter: after 1-2 s,
// 2-4 s, ... up to 32-64 s, about two minutes in all. A broker down longer is not forgotten: its agent's first
// heartbeat once it is back, and the reconcile every minute, queue a sync again.
export const SYNC_OPTIONS = { retryLimit: 6, retryDelay: 1, retryBackoff: true, expireInSeconds: 30 } as const;

const globalForBoss = globalThis as unknown as { fleetwardBoss?: PgBoss; fleetwardQueuesChecked?: boolean };

/**
 * A pg-boss instance for sending only: never started here, so no maintenance, polling or schema change runs
 * beside a transaction (a lock taken there could wait on this very transaction). Workers start their own.
 */
export function boss(): PgBoss {
  globalForBoss.fleetwardBoss ??= new PgBoss({ connectionString: dbEnv().DATABASE_URL, max: 4 });
  return globalForBoss.fleetwardBoss;
}

/** pg-boss silently drops a job sent to a queue that does not exist: refuse to change anything instead. */
async function assertQueuesExist(tx: TTx): Promise<void> {
  if (globalForBoss.fleetwardQueuesChecked) return;
  const names = Object.values(QUEUES);
  // Two steps, so a missing schema is a clean answer rather than an error that would abort the transaction.
  const [table] = await tx.$queryRawUnsafe<{ exists: boolean }[]>("SELECT to_regclass('pgboss.queue') IS NOT NULL AS exists");
  const rows = table?.exists ? await tx.$queryRawUnsafe<{ n: number }[]>("SELECT count(*)::int AS n FROM pgboss.queue WHERE name = ANY($1::text[])", names) : [];
  if ((rows[0]?.n ?? 0) < names.length) throw new Error("Fleetward's job queues are missing: run `fleetward queues ensure` (quickstart and npm test do).");
  globalForBoss.fleetwardQueuesChecked = true;
}

const inTx = (tx: TTx) => ({
  executeSql: async (text: string, values: unknown[]) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values) }),
});

/** Enqueues a sync for each broker inside the caller's transaction. */
export async function enqueueBrokerSyncs(tx: TTx, brokerIds: readonly string[], reason: string, force = false): Promise<void> {
  await assertQueuesExist(tx);
  for (const brokerId of brokerIds) {
    await boss().send(QUEUES.brokerSync, { brokerId, reason, force } satisfies TBrokerSyncJob, { ...SYNC_OPTIONS, db: inTx(tx) });
  }
  if (brokerIds.length) await tx.$executeRawUnsafe(`SELECT pg_notify('${SYNC_WAKEUP_CHANNEL}', '')`);
}

/** Creates or updates the queues (idempotent): `fleetward queues ensure` at deploy, and workers at start. */
export async function ensureQueues(b: PgBoss): Promise<void> {
  const existing = new Set((await b.getQueues()).map((q) => q.name));
  // Standard policy: stately's unique keys made transactional sends wait on workers' fetches (seen hanging).
  if (!existing.has(QUEUES.brokerSync)) await b.createQueue(QUEUES.brokerSync, { name: QUEUES.brokerSync, policy: "standard", ...SYNC_OPTIONS });
  else await b.updateQueue(QUEUES.brokerSync, { name: QUEUES.brokerSync, policy: "standard", ...SYNC_OPTIONS });
  if (!existing.has(QUEUES.brokerReconcile)) await b.createQueue(QUEUES.brokerReconcile, { name: QUEUES.brokerReconcile, policy: "standard" });
}

/** A sync running longer than this is presumed lost (its worker or its completion went with a Postgres restart). */
const SYNC_PRESUMED_LOST_S = 15;

/**
 * Brokers (of these) with a sync queued, waiting for a retry or running: another one would only repeat it. A job
 * still marked running after SYNC_PRESUMED_LOST_S does not count: pg-boss retries it only at its deadline, and the
 * broker should not wait that long.
 */
export async function brokersWithSyncPending(tx: Pick<TTx, "$queryRawUnsafe">, brokerIds: readonly string[]): Promise<Set<string>> {
  if (!brokerIds.length) return new Set();
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT DISTINCT data->>'brokerId' AS id FROM pgboss.job
     WHERE name = $1 AND data->>'brokerId' = ANY($2::text[])
       AND (state IN ('created', 'retry') OR (state = 'active' AND started_on > now() - interval '${SYNC_PRESUMED_LOST_S} seconds'))`,
    QUEUES.brokerSync,
    brokerIds,
  );
  return new Set(rows.map((r) => r.id));
}

/** A broker's syncs waiting out their backoff (it was unreachable) run now: it is back. Returns how many there were. */
export async function retryBrokerSyncsNow(tx: Pick<TTx, "$executeRawUnsafe">, brokerId: string): Promise<number> {
  const n = await tx.$executeRawUnsafe(
    `UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND state = 'retry' AND start_after > now() AND data->>'brokerId' = $2`,
    QUEUES.brokerSync,
    brokerId,
  );
  if (n) await tx.$executeRawUnsafe(`SELECT pg_notify('${SYNC_WAKEUP_CHANNEL}', '')`);
  return n;
}

/**
 * Bumps the desired-state revision and enqueues a sync for every broker, in the caller's transaction. `access: false`
 * for changes that cannot change what a device may do (live credentials, kicks, CRLs, device CAs). `changes`: what
 * changed, so that brokers with the plugin are sent only that (left out, they get the whole state).
 */
export async function desiredStateChanged(tx: TTx, reason: string, { access = true, changes = [{ kind: "all" }] }: { access?: boolean; changes?: readonly TFleetChange[] } = {}): Promise<bigint> {
  const state = await tx.fleetState.update({ where: { id: 1 }, data: { revision: { increment: 1 }, ...(access ? { accessRevision: { increment: 1 } } : {}) } });
  await tx.fleetChange.create({ data: { revision: state.revision, changes: changes as object[] } });
  const brokers = await tx.broker.findMany({ select: { id: true } });
  await enqueueBrokerSyncs(tx, brokers.map((b) => b.id), reason);
  return state.revision;
}
