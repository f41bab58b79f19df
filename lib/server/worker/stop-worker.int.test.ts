// A worker told to stop ends within a bound whatever it is doing: the sync it had in flight is cancelled (it is
// retried anyway) and another worker completes it.
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startTestFleet, startWorker, type TTestFleet, type TTestWorker } from "@/lib/fleet/testing/test-fleet";
import { db, disconnectDb } from "@/lib/server/db";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { testActor, unique } from "@/lib/server/testing/fixtures";

/** What an operator (or a benchmark) may wait for a stopping worker: beyond it, the stop has hung. */
const STOP_BOUND_MS = 10_000;

let fleet: TTestFleet;
const actor = testActor();

beforeAll(() => {
  fleet = startTestFleet(1);
}, 300_000);

afterAll(async () => {
  await fleet?.stop();
  await disconnectDb();
}, 60_000);

const revision = async () => (await db.fleetState.findUniqueOrThrow({ where: { id: 1 } })).revision;
const appliedAt = async (r: bigint) => (await db.broker.findMany({ where: { name: { in: fleet.brokers.map((b) => b.name) } } })).every((b) => b.appliedRevision >= r);

/** The sync job a worker holds for this broker now. */
const activeJob = (brokerId: string) =>
  eventually(async () => {
    const rows = await db.$queryRawUnsafe<{ id: string }[]>(`SELECT id::text FROM pgboss.job WHERE name = 'broker-sync' AND state = 'active' AND data->>'brokerId' = $1`, brokerId);
    return rows[0]?.id;
  }, "a sync to be active", 60_000, 20);

const jobCompleted = (jobId: string) =>
  eventually(async () => {
    const rows = await db.$queryRawUnsafe<{ state: string }[]>(`SELECT state::text FROM pgboss.job WHERE id = $1::uuid UNION ALL SELECT state::text FROM pgboss.archive WHERE id = $1::uuid`, jobId);
    return rows[0]?.state === "completed";
  }, `job ${jobId} to complete`, 120_000, 250);

/** Sends SIGTERM and resolves how long the worker took to exit and how (never waits past twice the bound). */
async function stopTimed(w: TTestWorker): Promise<{ ms: number; code: number | null; signal: string | null }> {
  const t0 = Date.now();
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => w.process.once("exit", (code, signal) => r({ code, signal })));
  w.process.kill("SIGTERM");
  const hung = new Promise<null>((r) => setTimeout(() => r(null), 2 * STOP_BOUND_MS).unref());
  const how = await Promise.race([exited, hung]);
  if (!how) {
    await w.kill("SIGKILL");
    throw new Error(`the worker had not exited ${2 * STOP_BOUND_MS} ms after SIGTERM; its log ends:\n${w.log().slice(-2_000)}`);
  }
  return { ms: Date.now() - t0, ...how };
}

/** The Postgres server's processes (the postmaster and its backends), to freeze it as a hung network would. */
async function postgresPids(): Promise<number[]> {
  // The application's role may not read data_directory; its own backend's parent is the postmaster.
  const [row] = await db.$queryRawUnsafe<{ pid: number }[]>("SELECT pg_backend_pid() AS pid");
  const postmaster = Number(/^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${row!.pid}/status`, "utf8"))![1]);
  const children = (pid: number): number[] =>
    readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
  return [postmaster, ...children(postmaster)];
}

describe("a worker's stop", () => {
  it("ends within the bound while a sync waits on a broker's reply; another worker completes that sync", async () => {
    const b = fleet.brokers[0]!;
    const brokerId = (await db.broker.findUniqueOrThrow({ where: { name: b.name } })).id;
    const first = startWorker(fleet.dir, "stopped-mid-sync");
    let second: TTestWorker | null = null;
    try {
      await eventually(() => first.log().includes("worker running"), "the worker to start", 60_000, 100);
      await eventually(async () => appliedAt(await revision()), "the initial sync", 60_000);
      // The agent frozen: its broker still says it is online, so the sync sends its command and waits for the answer.
      process.kill(b.agentPid, "SIGSTOP");
      let jobId: string;
      let stop: Awaited<ReturnType<typeof stopTimed>>;
      try {
        await createDevice({ actor, input: { clientId: `stop-${unique()}`, tags: [], auth: { type: "password" } } });
        jobId = await activeJob(brokerId);
        stop = await stopTimed(first);
      } finally {
        process.kill(b.agentPid, "SIGCONT");
      }
      const log = first.log();
      expect(stop.ms, `stopped in ${stop.ms} ms; log:\n${log.slice(-2_000)}`).toBeLessThan(STOP_BOUND_MS);
      // It cancelled what was in flight and said so, rather than being cut short.
      expect({ code: stop.code, signal: stop.signal }).toEqual({ code: 0, signal: null });
      expect(log).toMatch(/stopping/);
      expect(log).toMatch(/cancelled/);
      expect(log).toMatch(/stopped in \d+ ms/);

      const target = await revision();
      second = startWorker(fleet.dir, "after-stop");
      await eventually(() => appliedAt(target), `revision ${target} after the stop`, 120_000, 250);
      expect(await jobCompleted(jobId)).toBe(true);
    } finally {
      await first.kill("SIGKILL");
      await second?.kill();
    }
  }, 200_000);

  it("ends within the bound, non-zero and saying what had not ended, when its database stops answering", async () => {
    const w = startWorker(fleet.dir, "database-hung");
    try {
      await eventually(() => w.log().includes("worker running"), "the worker to start", 60_000, 100);
      const pids = await postgresPids();
      pids.forEach((pid) => process.kill(pid, "SIGSTOP"));
      let stop: Awaited<ReturnType<typeof stopTimed>>;
      try {
        stop = await stopTimed(w);
      } finally {
        pids.forEach((pid) => process.kill(pid, "SIGCONT"));
      }
      const log = w.log();
      // The watchdog's margin: a forced exit is at most a moment past the bound.
      expect(stop.ms, `stopped in ${stop.ms} ms; log:\n${log.slice(-2_000)}`).toBeLessThan(STOP_BOUND_MS + 1_000);
      expect({ code: stop.code, signal: stop.signal }).toEqual({ code: 1, signal: null });
      expect(log).toMatch(/stopped by force after \d+ ms: .*had not ended|stop did not finish/);
    } finally {
      await w.kill("SIGKILL");
    }
  }, 120_000);
});
