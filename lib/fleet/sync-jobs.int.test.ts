import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/server/db";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { testActor, unique } from "@/lib/server/testing/fixtures";
import { eventually, startTestFleet, startWorker, type TTestFleet } from "./testing/test-fleet";

let fleet: TTestFleet;
const actor = testActor();

beforeAll(() => {
  fleet = startTestFleet(2);
}, 120_000);

afterAll(async () => {
  await fleet?.stop();
  await disconnectDb();
}, 60_000);

const names = () => fleet.brokers.map((b) => b.name);
const revision = async () => (await db.fleetState.findUniqueOrThrow({ where: { id: 1 } })).revision;
const applied = async (r: bigint) => (await db.broker.findMany({ where: { name: { in: names() } } })).every((b) => b.appliedRevision >= r);

describe("durable sync jobs", () => {
  it("finish after the worker running them is killed mid-sync and another starts", async () => {
    const a = fleet.brokers[0]!;
    const first = startWorker(fleet.dir, "crashing");
    await eventually(applied.bind(null, await revision()), "initial sync", 60_000);
    // Freeze the agent so the sync hangs mid-flight, kill the worker holding the job, then let everything resume.
    const agentPid = a.agentPid;
    process.kill(agentPid, "SIGSTOP");
    await createDevice({ actor, input: { clientId: `crash-${unique()}`, tags: [], auth: { type: "password" } } });
    const target = await revision();
    const brokerId = (await db.broker.findUniqueOrThrow({ where: { name: a.name } })).id;
    const jobId = await eventually(async () => {
      const rows = await db.$queryRawUnsafe<{ id: string }[]>(`SELECT id::text FROM pgboss.job WHERE name = 'broker-sync' AND state = 'active' AND data->>'brokerId' = $1`, brokerId);
      return rows[0]?.id;
    }, "the job to be active");
    await first.kill("SIGKILL");
    process.kill(agentPid, "SIGCONT");
    expect(await applied(target)).toBe(false);
    const second = startWorker(fleet.dir, "after-crash");
    try {
      await eventually(() => applied(target), `revision ${target} after the crash`, 120_000, 500);
      // The very job the dead worker held was retried and completed, not just a later one.
      const state = await eventually(async () => {
        const rows = await db.$queryRawUnsafe<{ state: string }[]>(`SELECT state::text FROM pgboss.job WHERE id = $1::uuid UNION ALL SELECT state::text FROM pgboss.archive WHERE id = $1::uuid`, jobId);
        return rows[0]?.state === "completed" ? "completed" : null;
      }, "the crashed job to complete", 120_000, 500);
      expect(state).toBe("completed");
    } finally {
      await second.kill();
    }
  }, 200_000);

  it("run each job once with two workers", async () => {
    const w1 = startWorker(fleet.dir, "one");
    const w2 = startWorker(fleet.dir, "two");
    try {
      for (let i = 0; i < 6; i++) {
        await createDevice({ actor, input: { clientId: `pair-${i}-${unique()}`, tags: [], auth: { type: "password" } } });
        await new Promise((r) => setTimeout(r, 300));
      }
      const target = await revision();
      await eventually(() => applied(target), `revision ${target}`, 60_000);
    } finally {
      await Promise.all([w1.kill(), w2.kill()]);
    }
    const jobIds = (log: string) => [...log.matchAll(/job ([0-9a-f-]{36}): synced/g)].map((m) => m[1]!);
    const one = jobIds(w1.log());
    const two = jobIds(w2.log());
    expect(one.length + two.length).toBeGreaterThan(0);
    expect(one.filter((id) => two.includes(id))).toEqual([]); // no job ran in both
    expect(new Set([...one, ...two]).size).toBe(one.length + two.length); // nor twice in one
  }, 120_000);
});
