import "server-only";
import PgBoss from "pg-boss";
import type { TActor } from "../audit";
import { db } from "../db";
import { dbEnv } from "../env";
import { brokersWithSyncPending, ensureQueues, QUEUES, SYNC_OPTIONS, SYNC_WAKEUP_CHANNEL, type TBrokerSyncJob } from "../queue";
import { purgeEndedRateLimits } from "../rate-limits";
import { pruneFleetChanges } from "../services/fleet/prune-fleet-changes";
import { refreshCrlIfDue } from "../services/fleet/current-crl";
import { expireLiveCredentials } from "../services/live/expire-live-credentials";
import { purgeSecurityEvents } from "../services/security/purge-security-events";
import { runPostureChecks } from "../services/security/run-posture-checks";
import { WEBHOOK_WAKEUP_CHANNEL } from "../services/webhooks/enqueue-webhooks";
import { startAuditCheckpointer } from "./audit-checkpointer";
import { startBrokerMonitor } from "./broker-monitor";
import { InFlight, settlesWithin } from "./in-flight";
import { startMessageVerifier } from "./message-verifier";
import { listen, startWebhookDispatcher } from "./notifications";
import { syncJobHandler } from "./sync-jobs";

const SYNC_WORKERS = 4;
const POSTURE_EVERY_MS = 3_600_000;
/**
 * A stop's own budget, below the 10 s an operator (or `fleetward worker`'s watchdog) waits: cancelled work has this
 * long to settle, and each part (queue, monitor, verifier, notifications) what remains of it.
 */
export const STOP_BUDGET_MS = 8_000;
const CANCEL_WAIT_MS = 4_000;
const POSTURE_ACTOR: TActor = { type: "system", id: null, label: "posture check", ip: null, userAgent: null };

export type TWorkerLog = (msg: string) => void;

/** Runs durable jobs (broker syncs, periodic reconcile) and watches the brokers, until stopped. */
export async function runWorker(log: TWorkerLog): Promise<{ stop: () => Promise<TWorkerStop> }> {
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
  const work = new InFlight();
  for (let i = 0; i < SYNC_WORKERS; i++) {
    workerIds.push(await boss.work<TBrokerSyncJob>(QUEUES.brokerSync, { batchSize: 1, pollingIntervalSeconds: 2, includeMetadata: true }, syncJobHandler(boss, work, log, wakeWorkers)));
  }

  // Posture checks (and the security events' retention) run with the first reconcile, then hourly.
  let postureAt = 0;
  await boss.schedule(QUEUES.brokerReconcile, "* * * * *");
  const reconcile = async (signal: AbortSignal) => {
    if (await refreshCrlIfDue()) log("CRL reissued");
    const expired = await expireLiveCredentials();
    if (expired) log(`${expired} expired live credential(s) removed`);
    if (Date.now() - postureAt >= POSTURE_EVERY_MS) {
      postureAt = Date.now();
      const p = await runPostureChecks(POSTURE_ACTOR);
      log(`posture checks: ${p.open} open, ${p.raised} new, ${p.resolved} resolved`);
      await purgeEndedRateLimits();
      await pruneFleetChanges();
      const purged = await purgeSecurityEvents();
      if (purged) log(`${purged} security event(s) past their retention removed`);
    }
    const brokers = await db.broker.findMany({ select: { id: true } });
    const pending = await brokersWithSyncPending(db, brokers.map((b) => b.id));
    for (const b of brokers.filter((x) => !pending.has(x.id))) {
      if (signal.aborted) return; // the next worker's reconcile queues the rest
      await boss.send(QUEUES.brokerSync, { brokerId: b.id, reason: "periodic reconcile", force: true } satisfies TBrokerSyncJob, SYNC_OPTIONS);
    }
  };
  await boss.work(QUEUES.brokerReconcile, () => work.run("the periodic reconcile", reconcile));

  // Committed changes NOTIFY these channels; waking the workers at once beats waiting for the next poll.
  const webhooks = startWebhookDispatcher(log);
  const listener = listen([SYNC_WAKEUP_CHANNEL, WEBHOOK_WAKEUP_CHANNEL], log, (channel) => (channel === WEBHOOK_WAKEUP_CHANNEL ? webhooks.wake() : wakeWorkers()));
  await listener.ready;

  const checkpointer = startAuditCheckpointer(log);
  const monitor = startBrokerMonitor(log);
  const verifier = startMessageVerifier(log);
  log(`worker running: ${SYNC_WORKERS} sync workers, reconcile every minute`);
  return { stop: () => stopWorker({ boss, work, log, parts: { "webhook dispatcher": webhooks, "audit checkpointer": checkpointer, "broker monitor": monitor, "message verifier": verifier, "notification listener": listener } }) };
}

/** `unfinished`: what had not ended when the stop's budget ran out (empty: a clean stop). */
export type TWorkerStop = { ms: number; cancelled: number; unfinished: string[] };

type TStopOptions = { boss: PgBoss; work: InFlight; log: TWorkerLog; parts: Record<string, { stop: () => Promise<unknown> }> };

/**
 * Stops within STOP_BUDGET_MS whatever is in flight: no job is fetched any more, running work is cancelled (a sync's
 * broker connection closed, its transaction rolled back; the queue retries it), then every part is closed. Nothing
 * is waited on without a deadline; what did not end in time is named, and the caller should exit anyway.
 */
async function stopWorker({ boss, work, log, parts }: TStopOptions): Promise<TWorkerStop> {
  const t0 = Date.now();
  const left = () => STOP_BUDGET_MS - (Date.now() - t0);
  const running = work.list();
  if (running.length) log(`cancelling ${running.length} running: ${running.join("; ")}`);
  // pg-boss stops fetching at once, waits for the jobs it handed out, and fails those still held when its time is up.
  const bossStopped = boss.stop({ graceful: true, timeout: CANCEL_WAIT_MS + 500 }).catch((e: unknown) => log(`queue stop: ${e instanceof Error ? e.message : String(e)}`));
  const stillRunning = await work.cancel(CANCEL_WAIT_MS);
  const unfinished = stillRunning.map((w) => `${w} (not settled after cancel)`);
  const closing = Object.entries(parts).map(async ([name, p]) => ((await settlesWithin(p.stop(), left())) ? null : name));
  if (!(await settlesWithin(bossStopped, left()))) unfinished.push("job queue");
  for (const name of await Promise.all(closing)) if (name) unfinished.push(name);
  return { ms: Date.now() - t0, cancelled: running.length - stillRunning.length, unfinished };
}
