// Faults: a whole deployment (two replicas behind one port, two workers, three brokers, its own Postgres) is hurt
// while it works, and must come back by itself with nothing lost and nothing done twice.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDeviceBatch, TDeviceBulkCreated } from "@/lib/schemas/device";
import { eventually, mosquittoPub, type TTestWorker } from "@/lib/fleet/testing/test-fleet";
import type { TLocalBroker } from "@/lib/fleet/local-fleet";
import { db } from "@/lib/server/db";
import { FULL, startDeployment, waitConverged, type TDeployment } from "./deployment";

let d: TDeployment;
const BULK = FULL ? 5_000 : 1_000;
const run = Math.random().toString(36).slice(2, 7);

beforeAll(async () => {
  d = await startDeployment();
}, 300_000);

afterAll(async () => {
  await d?.stop();
}, 120_000);

const caFile = (b: TLocalBroker) => path.join(b.dir, "pki/ca.crt");
/** A figure of the run, printed with the results. */
const report = (line: string) => console.log(`[faults] ${line}`);

async function bulkImport(prefix: string, count: number): Promise<TDeviceBulkCreated> {
  const devices = Array.from({ length: count }, (_, i) => ({ clientId: `${prefix}-${i}`, tags: ["faults"], auth: { type: "password" } }));
  const r = await d.api("POST", "/api/v1/devices:bulk", { devices });
  expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(201);
  return r.body as TDeviceBulkCreated;
}

const batchDone = async (id: string) => {
  const r = await d.api("GET", `/api/v1/device-batches/${id}`);
  return r.status === 200 && (r.body as TDeviceBatch).status === "done";
};

/** The sync job a worker holds for this broker right now. */
const activeSync = (brokerName: string) =>
  eventually(async () => {
    const rows = await db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT j.id::text FROM pgboss.job j JOIN "Broker" b ON b.id::text = j.data->>'brokerId' WHERE j.name = 'broker-sync' AND j.state = 'active' AND b.name = $1`,
      brokerName,
    );
    return rows[0]?.id;
  }, `a sync of ${brokerName} to be active`, 60_000, 20);

/** A worker's stop is bounded (fleetward worker exits by force past it). */
const STOP_BOUND_MS = 10_000;

/** SIGTERM, then how long until the exit and with what code; SIGKILLs and throws past `ms`. */
async function stopWithin(w: TTestWorker, ms: number): Promise<{ ms: number; code: number | null }> {
  const t0 = Date.now();
  const exited = new Promise<number | null>((r) => w.process.once("exit", (code) => r(code)));
  await w.kill("SIGTERM", ms);
  return { ms: Date.now() - t0, code: await exited };
}

/** Every device of the import may publish on this broker with its own password, as Mosquitto's own client shows. */
function expectAccepted(b: TLocalBroker, created: TDeviceBulkCreated, sample = 3) {
  const picks = [created.devices[0]!, created.devices.at(-1)!, ...created.devices.slice(1, -1).sort(() => Math.random() - 0.5).slice(0, sample - 2)];
  for (const dev of picks) {
    const pub = mosquittoPub(b.ports.tlsPassword, caFile(b), dev.clientId, dev.secret.password!, `devices/${dev.clientId}/t`);
    expect(pub.ok, `${dev.clientId} on ${b.name}: ${pub.output}`).toBe(true);
  }
}

async function auditedCreates(prefix: string): Promise<{ devices: number; audited: number; distinct: number }> {
  const ids = (await db.device.findMany({ where: { clientId: { startsWith: `${prefix}-` } }, select: { id: true } })).map((x) => x.id);
  const events = await db.auditEvent.findMany({ where: { action: "device.create", targetId: { in: ids } }, select: { targetId: true } });
  return { devices: ids.length, audited: events.length, distinct: new Set(events.map((e) => e.targetId)).size };
}

async function expectOneChain() {
  const r = await d.api("GET", "/api/v1/audit/verify");
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ ok: true, firstBroken: null });
}

/** Job ids the workers' logs say they synced: none may appear twice, in one log or across them. */
function expectEachJobOnce() {
  const ids = d.workers.flatMap((w) => [...w.log().matchAll(/job ([0-9a-f-]{36}): synced/g)].map((m) => m[1]!));
  expect(ids.length).toBeGreaterThan(0);
  expect(ids.length - new Set(ids).size).toBe(0);
}

describe("faults", () => {
  it("two replicas behind one port answer every request once; each sync job runs once; the audit log stays one chain", async () => {
    const prefix = `pair-${run}`;
    const writers = 8;
    const each = FULL ? 25 : 6;
    const statuses = await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const out: number[] = [];
        for (let i = 0; i < each; i++) {
          const r = await d.api("POST", "/api/v1/devices", { clientId: `${prefix}-${w}-${i}`, tags: [], auth: { type: "password" } });
          out.push(r.status);
          out.push((await d.api("GET", `/api/v1/devices?q=${prefix}-${w}&limit=5`)).status);
        }
        return out;
      }),
    );
    expect(new Set(statuses.flat())).toEqual(new Set([200, 201]));
    // Both replicas served, the balancer in front of them spreading connections.
    for (const r of d.replicas) expect(d.balancer.served.get(r.port) ?? 0).toBeGreaterThan(writers);
    expect(await auditedCreates(prefix)).toEqual({ devices: writers * each, audited: writers * each, distinct: writers * each });
    await expectOneChain();
    await waitConverged(d.fleet, "the fleet after concurrent changes through both replicas");
    expectEachJobOnce();
  }, 300_000);

  it("a broker killed during a bulk push is brought up to date once restarted, with nothing lost", async () => {
    const b = d.fleet.brokers[0]!;
    const created = await bulkImport(`crash-${run}`, BULK);
    await d.killBroker(b);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await batchDone(created.batch.id)).toBe(false);
    const restarted = Date.now();
    await d.restartBroker(b);
    await waitConverged(d.fleet, "the fleet after the broker's restart");
    report(`broker killed during a push of ${BULK} devices: converged ${Date.now() - restarted} ms after its restart`);
    await eventually(() => batchDone(created.batch.id), "the batch to be done");
    expectAccepted(b, created);
  }, 300_000);

  it("a broker whose auth state is wiped has it restored by itself", async () => {
    const b = d.fleet.brokers[1]!;
    const created = await bulkImport(`wipe-${run}`, 50);
    await waitConverged(d.fleet, "the import");
    const dev = created.devices[0]!;
    const passwd = path.join(b.dir, "managed/passwd");
    writeFileSync(passwd, "");
    process.kill(Number(readFileSync(path.join(b.dir, "broker.pid"), "utf8")), "SIGHUP");
    await eventually(() => !mosquittoPub(b.ports.tlsPassword, caFile(b), dev.clientId, dev.secret.password!, "devices/x").ok, "the wiped broker to refuse", 20_000, 200);
    await waitConverged(d.fleet, "the wiped broker to be restored", 90_000);
    expectAccepted(b, created);
  }, 200_000);

  it("Fleetward killed during a bulk push (workers and a replica) resumes the push once restarted", async () => {
    const b = d.fleet.brokers[2]!;
    // The agent is frozen so the push to this broker is certainly in flight when everything is killed.
    process.kill(b.agentPid, "SIGSTOP");
    let created: TDeviceBulkCreated;
    let jobId: string;
    try {
      created = await bulkImport(`resume-${run}`, BULK);
      jobId = await activeSync(b.name);
      const [victim] = d.replicas;
      await Promise.all([...d.workers.map((w) => w.kill("SIGKILL")), victim!.kill("SIGKILL")]);
    } finally {
      process.kill(b.agentPid, "SIGCONT");
    }
    d.workers.splice(0);
    d.startWorker("worker-c");
    d.startWorker("worker-d");
    await d.startReplica(d.replicas[0]!.port);
    await waitConverged(d.fleet, "the fleet after Fleetward's restart");
    await eventually(() => batchDone(created.batch.id), "the batch to be done");
    // The very job the killed worker held was retried and completed.
    const state = await eventually(async () => {
      const rows = await db.$queryRawUnsafe<{ state: string }[]>(
        `SELECT state::text FROM pgboss.job WHERE id = $1::uuid UNION ALL SELECT state::text FROM pgboss.archive WHERE id = $1::uuid`,
        jobId,
      );
      return rows[0]?.state === "completed" ? "completed" : null;
    }, "the interrupted job to complete", 120_000, 500);
    expect(state).toBe("completed");
    expectAccepted(b, created);
  }, 300_000);

  it("workers stopped mid-sync exit within 10 s, and a restarted worker completes the sync they gave back", async () => {
    const b = d.fleet.brokers[0]!;
    const brokerId = (await db.broker.findUniqueOrThrow({ where: { name: b.name } })).id;
    // The agent frozen: the sync is certainly in flight, waiting on the broker's answer, when the stop comes.
    process.kill(b.agentPid, "SIGSTOP");
    let jobId: string;
    let stops: { ms: number; code: number | null }[];
    const stopped = d.workers.splice(0);
    try {
      const late = await d.api("POST", "/api/v1/devices", { clientId: `stop-${run}-0`, tags: [], auth: { type: "password" } });
      expect(late.status).toBe(201);
      jobId = await activeSync(b.name);
      // Both, as a deployment's rollout would: whichever holds the sync must give it back and go within the bound.
      stops = await Promise.all(stopped.map((w) => stopWithin(w, 2 * STOP_BOUND_MS)));
    } finally {
      process.kill(b.agentPid, "SIGCONT");
    }
    const logs = stopped.map((w) => w.log()).join("\n");
    report(`workers stopped while a sync waited on a frozen agent: exited in ${stops.map((x) => `${x.ms} ms (code ${x.code})`).join(", ")}`);
    for (const x of stops) expect(x, logs.slice(-3_000)).toEqual({ ms: expect.any(Number), code: 0 });
    expect(Math.max(...stops.map((x) => x.ms)), logs.slice(-3_000)).toBeLessThan(STOP_BOUND_MS);
    expect(logs).toMatch(new RegExp(`job ${jobId}: sync of ${brokerId} cancelled`));
    // The job given back is retried and completed by the workers that replace them.
    d.startWorker("worker-e");
    d.startWorker("worker-f");
    const state = await eventually(async () => {
      const rows = await db.$queryRawUnsafe<{ state: string }[]>(`SELECT state::text FROM pgboss.job WHERE id = $1::uuid UNION ALL SELECT state::text FROM pgboss.archive WHERE id = $1::uuid`, jobId);
      return rows[0]?.state === "completed" ? "completed" : null;
    }, "the cancelled job to complete", 120_000, 500);
    expect(state).toBe("completed");
    await waitConverged(d.fleet, "the fleet after the workers' stop");
  }, 300_000);

  it("the admin channel cut during a sync (the broker's TLS listener restarted) is retried with backoff, and nothing is applied twice", async () => {
    const b = d.fleet.brokers[1]!;
    const brokerId = (await db.broker.findUniqueOrThrow({ where: { name: b.name } })).id;
    const agentLog = path.join(b.dir, "agent.log");
    const created = await bulkImport(`cut-${run}`, BULK);
    await d.killBroker(b, "SIGTERM");
    // A change made while the channel is down: its sync to this broker can only fail until the broker is back.
    const late = await d.api("POST", "/api/v1/devices", { clientId: `cut-${run}-late-0`, tags: [], auth: { type: "password" } });
    expect(late.status).toBe(201);
    await new Promise((r) => setTimeout(r, 20_000));
    await d.restartBroker(b);
    await waitConverged(d.fleet, "the fleet after the admin channel came back");
    expectAccepted(b, created);

    // Retried with backoff: one job's failures came further and further apart (exponential, with jitter).
    const failures = new Map<string, number[]>();
    for (const w of d.workers) {
      for (const m of w.log().matchAll(new RegExp(`^(\\S+) job ([0-9a-f-]{36}): sync of ${brokerId} failed \\(attempt (\\d+)`, "gm"))) {
        failures.set(m[2]!, [...(failures.get(m[2]!) ?? []), Date.parse(m[1]!)]);
      }
    }
    const times = [...failures.values()].sort((x, y) => y.length - x.length)[0]?.sort((x, y) => x - y) ?? [];
    expect(times.length, `failures per job: ${JSON.stringify([...failures.values()].map((t) => t.length))}`).toBeGreaterThanOrEqual(4);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // The third retry waits at least 4 s (pg-boss: delay * 2^n / 2, plus up to as much again at random), where a
    // retry at a fixed interval (as before: every 2 s) would not.
    expect(gaps[2]!, `gaps ${gaps.join(", ")} ms`).toBeGreaterThanOrEqual(3_900);
    report(`admin channel down 20 s: one sync failed ${times.length} times, ${gaps.join(", ")} ms apart`);

    // Nothing twice: the agent ran no command twice, the broker's password file names each client once, and each
    // device was created (and audited) once.
    const applied = readFileSync(agentLog, "utf8").split("\n").filter((l) => l.includes('"msg":"applied"')).map((l) => (JSON.parse(l) as { id: string }).id);
    expect(applied.length - new Set(applied).size).toBe(0);
    const users = readFileSync(path.join(b.dir, "managed/passwd"), "utf8").split("\n").filter(Boolean).map((l) => l.split(":")[0]);
    expect(users.length - new Set(users).size).toBe(0);
    // The import is audited as one event, the late device as its own.
    expect(await db.device.count({ where: { clientId: { startsWith: `cut-${run}-` } } })).toBe(BULK + 1);
    expect(await db.auditEvent.count({ where: { action: "device.bulk_create", targetId: created.batch.id } })).toBe(1);
    expect(await auditedCreates(`cut-${run}-late`)).toEqual({ devices: 1, audited: 1, distinct: 1 });
  }, 300_000);

  it("Postgres restarted under load: Fleetward recovers by itself, and no change is lost or applied twice", async () => {
    const prefix = `pg-${run}`;
    const processes = [...d.replicas.filter((r) => r.process.exitCode === null), ...d.workers].map((p) => p.process);
    const statuses: number[] = [];
    let stopping = false;
    let back = Infinity;
    let recoveredMs: number | null = null;
    const writer = async (w: number) => {
      for (let i = 0; !stopping; i++) {
        // The same request again until an answer says what became of it: created, or already there (an earlier
        // try committed but its answer was lost with the connection).
        for (;;) {
          const r = await d.api("POST", "/api/v1/devices", { clientId: `${prefix}-${w}-${i}`, tags: [], auth: { type: "password" } }).catch(() => ({ status: 0 }));
          statuses.push(r.status);
          if (r.status === 201 && recoveredMs === null && Date.now() >= back) recoveredMs = Date.now() - back;
          if (r.status === 201 || r.status === 409) break;
          await new Promise((res) => setTimeout(res, 250));
        }
      }
    };
    const writers = Array.from({ length: 4 }, (_, w) => writer(w));
    await new Promise((r) => setTimeout(r, 2_000));
    await d.restartPostgres(FULL ? 10_000 : 3_000);
    back = Date.now();
    await new Promise((r) => setTimeout(r, 5_000));
    stopping = true;
    await Promise.all(writers);
    const count = (code: number) => statuses.filter((x) => x === code).length;
    report(`Postgres down ${FULL ? 10 : 3} s under 4 writers: ${count(201)} created, ${count(409)} found created on a retry, ${count(503)} answered 503; the first create ${recoveredMs} ms after it was back`);

    const refused = statuses.filter((s) => s !== 201 && s !== 409);
    expect(refused.length, "requests while Postgres was down").toBeGreaterThan(0);
    expect(new Set(refused), "while Postgres is down the API says so (503), never a 500").toEqual(new Set([503]));
    // Every process lived through it: nothing restarted them.
    for (const p of processes) expect(p.exitCode, `process ${p.pid}`).toBeNull();
    const { devices, audited, distinct } = await auditedCreates(prefix);
    expect(devices).toBeGreaterThan(0);
    expect({ audited, distinct }).toEqual({ audited: devices, distinct: devices });
    await expectOneChain();
    // The workers went on by themselves: the changes made after the restart reach every broker.
    await waitConverged(d.fleet, "the fleet after Postgres came back");
  }, 300_000);
});
