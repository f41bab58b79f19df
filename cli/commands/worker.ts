import { isDatabaseUnavailable } from "@/lib/server/errors";
import { runWorker } from "@/lib/server/worker/run-worker";

/** From SIGINT/SIGTERM to exit, whatever is in flight: past it the process exits anyway, with status 1. */
export const STOP_BOUND_MS = 10_000;

/** fleetward worker: runs the sync jobs and broker monitor until SIGINT/SIGTERM. Any number may run at once. */
export async function workerCommand() {
  const log = (msg: string) => console.log(`${new Date().toISOString()} ${msg}`);
  // The job queue records a finished job without waiting for it; while Postgres is away that write fails unheard.
  // Such a job is not lost: it stays active until its deadline and runs again (syncs are idempotent). Anything
  // else unhandled still ends the process.
  process.on("unhandledRejection", (e) => {
    if (!isDatabaseUnavailable(e)) throw e;
    log(`database unavailable: ${e instanceof Error ? e.message : String(e)} (jobs not yet marked done will run again)`);
  });
  // Listening from the first moment, so a stop during start-up is a stop too, not the default abrupt exit.
  let stopRequested = false;
  const stopSignal = new Promise<void>((resolve) => {
    for (const s of ["SIGINT", "SIGTERM"] as const) {
      process.on(s, () => {
        if (stopRequested) return forceExit(log, `second ${s}`);
        stopRequested = true;
        log("stopping");
        armWatchdog(log);
        resolve();
      });
    }
  });
  const worker = await startWhenDatabaseIsUp(log, () => stopRequested);
  await stopSignal;
  if (!worker) return;
  const r = await worker.stop();
  const cancelled = r.cancelled ? `; ${r.cancelled} running job(s) cancelled, to be retried` : "";
  if (r.unfinished.length) {
    // Closing the database pool now could wait for ever on what did not end: leave at once.
    log(`stopped by force after ${r.ms} ms: ${r.unfinished.join(", ")} had not ended${cancelled}`);
    process.exit(1);
  }
  log(`stopped in ${r.ms} ms${cancelled}`);
}

/** Whatever still runs after STOP_BOUND_MS (the database pool's close included), the process ends, and says so. */
function armWatchdog(log: (msg: string) => void) {
  const at = Date.now();
  setTimeout(() => forceExit(log, `${Date.now() - at} ms since the stop began`), STOP_BOUND_MS);
}

function forceExit(log: (msg: string) => void, why: string): never {
  log(`stop did not finish (${why}): exiting by force; jobs still running are retried by the queue`);
  process.exit(1);
}

/** A worker started while Postgres is down (a restart, a failover) waits for it rather than exiting, unless stopped. */
async function startWhenDatabaseIsUp(log: (msg: string) => void, stopped: () => boolean) {
  for (let delay = 1_000; !stopped(); delay = Math.min(delay * 2, 30_000)) {
    try {
      return await runWorker(log);
    } catch (e) {
      if (!isDatabaseUnavailable(e)) throw e;
      log(`database unavailable at start: ${e instanceof Error ? e.message : String(e)}; trying again in ${delay / 1000} s`);
      const until = Date.now() + delay;
      while (Date.now() < until && !stopped()) await new Promise((r) => setTimeout(r, 200));
    }
  }
  return null;
}
