import "server-only";
import PgBoss from "pg-boss";
import pg from "pg";
import type { TActor } from "../audit";
import { db } from "../db";
import { dbEnv } from "../env";
import { ensureQueues, QUEUES, SYNC_WAKEUP_CHANNEL, type TBrokerSyncJob } from "../queue";
import { syncBroker, type TSyncResult } from "../services/brokers/sync-broker";
import { refreshCrlIfDue } from "../services/fleet/current-crl";
import { expireLiveCredentials } from "../services/live/expire-live-credentials";
import { purgeSecurityEvents } from "../services/security/purge-security-events";
import { runPostureChecks } from "../services/security/run-posture-checks";
import { deliverDueWebhooks, WEBHOOK_BATCH } from "../services/webhooks/deliver-webhooks";
import { WEBHOOK_WAKEUP_CHANNEL } from "../services/webhooks/enqueue-webhooks";
import { startBrokerMonitor } from "./broker-monitor";

const SYNC_WORKERS = 4;
/** A sync that finds its broker busy is retried this soon, and the holder catches up after it finishes. */
const BUSY_RETRY_MS = 200;
const CATCH_UP_ROUNDS = 3;
const POSTURE_EVERY_MS = 3_600_000;
/** Retries come due between notifications: look this often. */
const WEBHOOK_POLL_MS = 5_000;
const POSTURE_ACTOR: TActor = { type: "system", id: null, label: "posture check", ip: null, userAgent: null };

export type TWorkerLog = (msg: string) => void;

/** Runs durable jobs (broker syncs, periodic reconcile) and watches the brokers, until stopped. */
export async function runWorker(log: TWorkerLog): Promise<{ stop: () => Promise<void> }> {
  // Frequent maintenance so a job whose worker died is expired and retried within seconds of its deadline.
  const boss = new PgBoss({ connectionString: dbEnv().DATABASE_URL, max: SYNC_WORKERS + 4, maintenanceIntervalSeconds: 10 });
  boss.on("error", (e: Error) => log(`queue error: ${e.message}`));
  await boss.start();
  await ensureQueues(boss);

  const workerIds: string[] = [];
  const wakeWorkers = () => workerIds.forEach((id) => boss.notifyWorker(id));
  for (let i = 0; i < SYNC_WORKERS; i++) {
    workerIds.push(
      await boss.work<TBrokerSyncJob>(QUEUES.brokerSync, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
        if (!job) return;
        const started = Date.now();
        const sync = () =>
          syncBroker(job.data.brokerId, job.data.force ?? false).catch((e: unknown) => {
            log(`sync of ${job.data.brokerId} failed (will retry): ${e instanceof Error ? e.message : String(e)}`);
            throw e;
          });
        let r: TSyncResult = await sync();
        if (r.busy) {
          // Another worker is syncing this broker and may have rendered before this change: look again shortly.
          await boss.send(QUEUES.brokerSync, job.data, { startAfter: new Date(Date.now() + BUSY_RETRY_MS), retryLimit: 100_000, retryDelay: 2, expireInSeconds: 30 });
          setTimeout(wakeWorkers, BUSY_RETRY_MS + 50).unref();
          return;
        }
        if (!r.skipped) log(`job ${job.id}: synced ${job.data.brokerId} to revision ${r.revision} in ${Date.now() - started} ms (render ${r.phases?.renderMs} ms, apply ${r.phases?.applyMs} ms; ${job.data.reason})`);
        // Changes committed while this sync ran found the broker busy: catch up now rather than after their retry.
        for (let i = 0; i < CATCH_UP_ROUNDS && !r.skipped; i++) {
          r = await syncBroker(job.data.brokerId, false);
          if (!r.skipped && !r.busy) log(`job ${job.id}: caught ${job.data.brokerId} up to revision ${r.revision}`);
        }
      }),
    );
  }

  // Posture checks (and the security events' retention) run with the first reconcile, then hourly.
  let postureAt = 0;
  await boss.schedule(QUEUES.brokerReconcile, "* * * * *");
  await boss.work(QUEUES.brokerReconcile, async () => {
    if (await refreshCrlIfDue()) log("CRL reissued");
    const expired = await expireLiveCredentials();
    if (expired) log(`${expired} expired live credential(s) removed`);
    if (Date.now() - postureAt >= POSTURE_EVERY_MS) {
      postureAt = Date.now();
      const p = await runPostureChecks(POSTURE_ACTOR);
      log(`posture checks: ${p.open} open, ${p.raised} new, ${p.resolved} resolved`);
      const purged = await purgeSecurityEvents();
      if (purged) log(`${purged} security event(s) past their retention removed`);
    }
    const brokers = await db.broker.findMany({ select: { id: true } });
    for (const b of brokers) {
      await boss.send(QUEUES.brokerSync, { brokerId: b.id, reason: "periodic reconcile", force: true } satisfies TBrokerSyncJob);
    }
  });

  // Committed changes NOTIFY this channel; waking the workers at once beats waiting for the next poll.
  const listener = new pg.Client({ connectionString: dbEnv().DATABASE_URL });
  await listener.connect();
  await listener.query(`LISTEN ${SYNC_WAKEUP_CHANNEL}`);
  await listener.query(`LISTEN ${WEBHOOK_WAKEUP_CHANNEL}`);
  const webhooks = startWebhookDispatcher(log);
  listener.on("notification", (n) => (n.channel === WEBHOOK_WAKEUP_CHANNEL ? webhooks.wake() : wakeWorkers()));

  const monitor = startBrokerMonitor(log);
  log(`worker running: ${SYNC_WORKERS} sync workers, reconcile every minute`);
  return {
    stop: async () => {
      await webhooks.stop();
      await monitor.stop();
      await listener.end().catch(() => undefined);
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
}

/** Sends due webhook deliveries when woken (a delivery was queued) and every few seconds (retries), one round at a time. */
function startWebhookDispatcher(log: TWorkerLog) {
  let running: Promise<void> | null = null;
  let again = false;
  const round = async () => {
    do {
      again = false;
      // A full batch means more may be due: go on at once.
      while ((await deliverDueWebhooks().catch((e: unknown) => (log(`webhook delivery failed: ${String(e)}`), 0))) >= WEBHOOK_BATCH);
    } while (again);
  };
  const wake = () => {
    if (running) again = true;
    else running = round().finally(() => (running = null));
  };
  const timer = setInterval(wake, WEBHOOK_POLL_MS);
  timer.unref();
  wake();
  return { wake, stop: async () => (clearInterval(timer), await running) };
}
