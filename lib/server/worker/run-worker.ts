import "server-only";
import PgBoss from "pg-boss";
import pg from "pg";
import { db } from "../db";
import { dbEnv } from "../env";
import { ensureQueues, QUEUES, SYNC_WAKEUP_CHANNEL, type TBrokerSyncJob } from "../queue";
import { syncBroker, type TSyncResult } from "../services/brokers/sync-broker";
import { refreshCrlIfDue } from "../services/fleet/current-crl";
import { startBrokerMonitor } from "./broker-monitor";

const SYNC_WORKERS = 4;

export type TWorkerLog = (msg: string) => void;


/** Runs durable jobs (broker syncs, periodic reconcile) and watches the brokers, until stopped. */
export async function runWorker(log: TWorkerLog): Promise<{ stop: () => Promise<void> }> {
  // Frequent maintenance so a job whose worker died is expired and retried within seconds of its deadline.
  const boss = new PgBoss({ connectionString: dbEnv().DATABASE_URL, max: SYNC_WORKERS + 4, maintenanceIntervalSeconds: 10 });
  boss.on("error", (e: Error) => log(`queue error: ${e.message}`));
  await boss.start();
  await ensureQueues(boss);

  const workerIds: string[] = [];
  for (let i = 0; i < SYNC_WORKERS; i++) {
    workerIds.push(
      await boss.work<TBrokerSyncJob>(QUEUES.brokerSync, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
        if (!job) return;
        const started = Date.now();
        const r: TSyncResult = await syncBroker(job.data.brokerId, job.data.force ?? false).catch((e: unknown) => {
          log(`sync of ${job.data.brokerId} failed (will retry): ${e instanceof Error ? e.message : String(e)}`);
          throw e;
        });
        if (r.busy) {
          // Another worker is syncing this broker; look again in a second (it may have rendered before this change).
          await boss.send(QUEUES.brokerSync, job.data, { startAfter: 1, retryLimit: 100_000, retryDelay: 2, expireInSeconds: 30 });
          return;
        }
        if (!r.skipped) log(`job ${job.id}: synced ${job.data.brokerId} to revision ${r.revision} in ${Date.now() - started} ms (${job.data.reason})`);
      }),
    );
  }

  await boss.schedule(QUEUES.brokerReconcile, "* * * * *");
  await boss.work(QUEUES.brokerReconcile, async () => {
    if (await refreshCrlIfDue()) log("CRL reissued");
    const brokers = await db.broker.findMany({ select: { id: true } });
    for (const b of brokers) {
      await boss.send(QUEUES.brokerSync, { brokerId: b.id, reason: "periodic reconcile", force: true } satisfies TBrokerSyncJob);
    }
  });

  // Committed changes NOTIFY this channel; waking the workers at once beats waiting for the next poll.
  const listener = new pg.Client({ connectionString: dbEnv().DATABASE_URL });
  await listener.connect();
  await listener.query(`LISTEN ${SYNC_WAKEUP_CHANNEL}`);
  listener.on("notification", () => workerIds.forEach((id) => boss.notifyWorker(id)));

  const monitor = startBrokerMonitor(log);
  log(`worker running: ${SYNC_WORKERS} sync workers, reconcile every minute`);
  return {
    stop: async () => {
      await monitor.stop();
      await listener.end().catch(() => undefined);
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
}
