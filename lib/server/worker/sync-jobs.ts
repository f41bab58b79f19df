import "server-only";
import type PgBoss from "pg-boss";
import { QUEUES, SYNC_OPTIONS, type TBrokerSyncJob } from "../queue";
import { SyncCancelled, syncBroker, type TSyncResult } from "../services/brokers/sync-broker";
import type { InFlight } from "./in-flight";

/** A sync that finds its broker busy is retried this soon, and the holder catches up after it finishes. */
const BUSY_RETRY_MS = 200;
const CATCH_UP_ROUNDS = 3;

type TLog = (msg: string) => void;
type TJob = PgBoss.JobWithMetadata<TBrokerSyncJob>;

/** What a broker with the plugin was sent, for the log. */
const sent = (r: TSyncResult) => (r.plugin ? `, plugin: ${r.plugin.full ? "whole state" : "delta"} of ${r.plugin.ops} op(s)` : "");

/**
 * Runs one sync job: a sync of its broker, then catch-up rounds for changes committed meanwhile. Cancelled by the
 * worker's stop (between rounds, or mid-round: the broker connection is closed and the transaction rolled back),
 * the job fails and the queue retries it, here or in another worker.
 */
export function syncJobHandler(boss: PgBoss, work: InFlight, log: TLog, wakeWorkers: () => void) {
  return async ([job]: TJob[]) => {
    if (!job) return;
    const { brokerId } = job.data;
    await work.run(`sync of ${brokerId} (job ${job.id})`, async (signal) => {
      const started = Date.now();
      const attempt = job.retryCount + 1;
      const sync = () =>
        syncBroker(brokerId, job.data.force ?? false, signal).catch((e: unknown) => {
          if (e instanceof SyncCancelled) {
            log(`job ${job.id}: sync of ${brokerId} cancelled (the worker is stopping; it is retried)`);
            throw e;
          }
          const next = attempt <= SYNC_OPTIONS.retryLimit ? "retried with backoff" : "given up; the next heartbeat or reconcile queues another";
          log(`job ${job.id}: sync of ${brokerId} failed (attempt ${attempt}; ${next}): ${e instanceof Error ? e.message : String(e)}`);
          throw e;
        });
      let r: TSyncResult = await sync();
      if (r.busy) {
        // Another worker is syncing this broker and may have rendered before this change: look again shortly.
        await boss.send(QUEUES.brokerSync, job.data, { ...SYNC_OPTIONS, startAfter: new Date(Date.now() + BUSY_RETRY_MS) });
        setTimeout(wakeWorkers, BUSY_RETRY_MS + 50).unref();
        return;
      }
      if (!r.skipped) log(`job ${job.id}: synced ${brokerId} to revision ${r.revision} in ${Date.now() - started} ms (render ${r.phases?.renderMs} ms, apply ${r.phases?.applyMs} ms${sent(r)}; ${job.data.reason})`);
      // Changes committed while this sync ran found the broker busy: catch up now rather than after their retry. A
      // stop leaves that to those syncs' own jobs, which are queued: this job did its part.
      for (let i = 0; i < CATCH_UP_ROUNDS && !r.skipped && !signal.aborted; i++) {
        r = await syncBroker(brokerId, false, signal).catch((e: unknown) => {
          if (e instanceof SyncCancelled) return { revision: 0n, skipped: true };
          throw e;
        });
        if (!r.skipped && !r.busy) log(`job ${job.id}: caught ${brokerId} up to revision ${r.revision}${sent(r)}`);
      }
    });
  };
}
