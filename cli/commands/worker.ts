import { isDatabaseUnavailable } from "@/lib/server/errors";
import { runWorker } from "@/lib/server/worker/run-worker";

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
  const worker = await startWhenDatabaseIsUp(log);
  await new Promise<void>((resolve) => {
    for (const s of ["SIGINT", "SIGTERM"] as const) process.once(s, () => resolve());
  });
  log("stopping");
  await worker.stop();
}

/** A worker started while Postgres is down (a restart, a failover) waits for it rather than exiting. */
async function startWhenDatabaseIsUp(log: (msg: string) => void) {
  for (let delay = 1_000; ; delay = Math.min(delay * 2, 30_000)) {
    try {
      return await runWorker(log);
    } catch (e) {
      if (!isDatabaseUnavailable(e)) throw e;
      log(`database unavailable at start: ${e instanceof Error ? e.message : String(e)}; trying again in ${delay / 1000} s`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
