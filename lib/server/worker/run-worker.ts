import "server-only";
import PgBoss from "pg-boss";
import pg from "pg";
import type { TActor } from "../audit";
import { db } from "../db";
import { dbEnv } from "../env";
import { brokersWithSyncPending, ensureQueues, QUEUES, SYNC_OPTIONS, SYNC_WAKEUP_CHANNEL, type TBrokerSyncJob } from "../queue";
import { purgeEndedRateLimits } from "../rate-limits";
import { syncBroker, type TSyncResult } from "../services/brokers/sync-broker";
import { refreshCrlIfDue } from "../services/fleet/current-crl";
import { expireLiveCredentials } from "../services/live/expire-live-credentials";
import { purgeSecurityEvents } from "../services/security/purge-security-events";
import { runPostureChecks } from "../services/security/run-posture-checks";
import { deliverDueWebhooks, WEBHOOK_BATCH } from "../services/webhooks/deliver-webhooks";
import { WEBHOOK_WAKEUP_CHANNEL } from "../services/webhooks/enqueue-webhooks";
import { startAuditCheckpointer } from "./audit-checkpointer";
import { startBrokerMonitor } from "./broker-monitor";
import { startMessageVerifier } from "./message-verifier";

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
  await ensureQueues(boss).catch(async (e: unknown) => {
    await boss.stop({ graceful: false }).catch(() => undefined);
    throw e;
  });

  const workerIds: string[] = [];
  const wakeWorkers = () => workerIds.forEach((id) => boss.notifyWorker(id));
  for (let i = 0; i < SYNC_WORKERS; i++) {
    workerIds.push(
      await boss.work<TBrokerSyncJob>(QUEUES.brokerSync, { batchSize: 1, pollingIntervalSeconds: 2, includeMetadata: true }, async ([job]) => {
        if (!job) return;
        const started = Date.now();
        const attempt = job.retryCount + 1;
        const sync = () =>
          syncBroker(job.data.brokerId, job.data.force ?? false).catch((e: unknown) => {
            const next = attempt <= SYNC_OPTIONS.retryLimit ? "retried with backoff" : "given up; the next heartbeat or reconcile queues another";
            log(`job ${job.id}: sync of ${job.data.brokerId} failed (attempt ${attempt}; ${next}): ${e instanceof Error ? e.message : String(e)}`);
            throw e;
          });
        let r: TSyncResult = await sync();
        if (r.busy) {
          // Another worker is syncing this broker and may have rendered before this change: look again shortly.
          await boss.send(QUEUES.brokerSync, job.data, { ...SYNC_OPTIONS, startAfter: new Date(Date.now() + BUSY_RETRY_MS) });
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
      await purgeEndedRateLimits();
      const purged = await purgeSecurityEvents();
      if (purged) log(`${purged} security event(s) past their retention removed`);
    }
    const brokers = await db.broker.findMany({ select: { id: true } });
    const pending = await brokersWithSyncPending(db, brokers.map((b) => b.id));
    for (const b of brokers.filter((x) => !pending.has(x.id))) {
      await boss.send(QUEUES.brokerSync, { brokerId: b.id, reason: "periodic reconcile", force: true } satisfies TBrokerSyncJob, SYNC_OPTIONS);
    }
  });

  // Committed changes NOTIFY these channels; waking the workers at once beats waiting for the next poll.
  const webhooks = startWebhookDispatcher(log);
  const listener = listen([SYNC_WAKEUP_CHANNEL, WEBHOOK_WAKEUP_CHANNEL], log, (channel) => (channel === WEBHOOK_WAKEUP_CHANNEL ? webhooks.wake() : wakeWorkers()));
  await listener.ready;

  const checkpointer = startAuditCheckpointer(log);
  const monitor = startBrokerMonitor(log);
  const verifier = startMessageVerifier(log);
  log(`worker running: ${SYNC_WORKERS} sync workers, reconcile every minute`);
  return {
    stop: async () => {
      await webhooks.stop();
      await checkpointer.stop();
      await monitor.stop();
      await verifier.stop();
      await listener.stop();
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
}

const LISTEN_RETRY_MS = [500, 1_000, 2_000, 5_000, 10_000];

/**
 * LISTENs on these channels on a connection of its own, and connects again when Postgres drops it (a restart, a
 * failover), with backoff. Notifications sent while it was away are lost, so `onNotify` is called for every
 * channel once it is back: the workers then look for what came in meanwhile.
 */
function listen(channels: readonly string[], log: TWorkerLog, onNotify: (channel: string) => void) {
  let client: pg.Client | null = null;
  let stopped = false;
  let failures = 0;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: dbEnv().DATABASE_URL });
    c.on("notification", (n) => onNotify(n.channel));
    let lost = false;
    const retry = (e?: unknown) => {
      if (lost || stopped) return;
      lost = true;
      if (client === c) client = null;
      void c.end().catch(() => undefined);
      const delay = LISTEN_RETRY_MS[Math.min(failures++, LISTEN_RETRY_MS.length - 1)]!;
      if (failures === 1) log(`notification connection lost (${e instanceof Error ? e.message : "closed"}); reconnecting`);
      setTimeout(() => void connect(), delay).unref();
    };
    c.on("error", retry);
    c.on("end", () => retry());
    try {
      await c.connect();
      for (const ch of channels) await c.query(`LISTEN ${ch}`);
    } catch (e) {
      return retry(e);
    }
    if (stopped) return void c.end().catch(() => undefined);
    client = c;
    if (failures > 0) log("notification connection restored");
    failures = 0;
    markReady();
    channels.forEach(onNotify);
  };
  void connect();
  return {
    ready,
    stop: async () => {
      stopped = true;
      await client?.end().catch(() => undefined);
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
