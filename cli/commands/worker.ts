import { runWorker } from "@/lib/server/worker/run-worker";

/** fleetward worker: runs the sync jobs and broker monitor until SIGINT/SIGTERM. Any number may run at once. */
export async function workerCommand() {
  const log = (msg: string) => console.log(`${new Date().toISOString()} ${msg}`);
  const worker = await runWorker(log);
  await new Promise<void>((resolve) => {
    for (const s of ["SIGINT", "SIGTERM"] as const) process.once(s, () => resolve());
  });
  log("stopping");
  await worker.stop();
}
