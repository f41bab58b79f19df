// Issue "broker fleet" figures: N devices from commit until usable on every broker, the stall other clients see
// meanwhile, a single change end to end, and the broker's own tool (mosquitto_ctrl + dynsec) as the baseline.
import { randomUUID } from "node:crypto";
import { db } from "@/lib/server/db";
import { change } from "@/lib/server/change";
import { desiredStateChanged } from "@/lib/server/queue";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { createDevicesBulk } from "@/lib/server/services/devices/create-devices-bulk";
import { testActor } from "@/lib/server/testing/fixtures";
import { connectPsk } from "@/lib/fleet/testing/psk-client";
import { connectDevice, eventually, startTestFleet, startWorker } from "@/lib/fleet/testing/test-fleet";
import { holdConnections } from "./connection-holder";
import { dynsecBaseline } from "./dynsec-baseline";
import { isolateOnOwnCore } from "./isolate";
import { percentile, round, type TFigure } from "./figures";
import { startProber } from "./prober";

const actor = testActor("bench");
const CONNECTED = 10_000;

/**
 * Removes a figure's devices before the next figure and waits until every broker has applied that. They never
 * connected, so no session needs closing (the product's cancel path would queue a kick per device).
 */
async function removeBatch(batchId: string): Promise<void> {
  await change(async (tx) => {
    await tx.device.deleteMany({ where: { batchId } });
    await desiredStateChanged(tx, "benchmark cleanup");
  });
  await settled();
}

/** Until every broker has applied the desired state as it stands now. */
async function settled(): Promise<void> {
  const { revision } = await db.fleetState.findUniqueOrThrow({ where: { id: 1 } });
  await eventually(async () => (await db.broker.findMany({ select: { appliedRevision: true } })).every((b) => b.appliedRevision >= revision), "every broker to apply the cleanup", 120_000, 200);
}

/** Until the device can connect to the broker (polling every 20 ms); returns when it first could. */
async function usableAt(port: number, caPem: string, clientId: string, password: string, timeoutMs = 120_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      const c = await connectDevice(port, caPem, { clientId, username: clientId, password });
      const at = performance.now();
      await c.endAsync();
      return at;
    } catch {
      if (performance.now() > deadline) throw new Error(`${clientId} never became usable on port ${port}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export async function fleetSyncBench(sizes = [1_000, 10_000]): Promise<TFigure[]> {
  const fleet = startTestFleet(3);
  const worker = startWorker(fleet.dir, "bench-worker");
  const figures: TFigure[] = [];
  try {
    const probers: Awaited<ReturnType<typeof startProber>>[] = [];
    for (const b of fleet.brokers) {
      const p = await createDevice({ actor, input: { clientId: `prober-${b.name}`, tags: [], auth: { type: "password" } } });
      await usableAt(b.ports.tlsPassword, fleet.caPem, p.device.clientId, p.secret.password!);
      probers.push(await startProber(b.ports.tlsPassword, fleet.caPem, p.device.clientId, p.secret.password!));
    }

    /** `only`: the stall figure is that broker's alone (the others share the remaining cores with everything). */
    const measure = async (n: number, load: string, only?: number) => {
      const run = randomUUID().slice(0, 6);
      const devices = Array.from({ length: n }, (_, i) => ({ clientId: `bench-${run}-${String(i).padStart(6, "0")}`, tags: [], auth: { type: "password" as const } }));
      const fleetSize = (await db.device.count()) + n;
      const before = performance.now();
      const created = await createDevicesBulk({ actor, input: { devices } });
      const committedAt = performance.now();
      // The stall window starts at commit, like the figure: hashing the batch beforehand is this process's own work.
      await Promise.all(probers.map((p) => p.reset()));
      const last = created.devices.at(-1)!;
      const sample = [created.devices[0]!, created.devices[Math.floor(n / 2)]!, last];
      const times = await Promise.all(fleet.brokers.flatMap((b) => sample.map((d) => usableAt(b.ports.tlsPassword, fleet.caPem, d.clientId, d.secret.password!))));
      const worst = await Promise.all(probers.map((p) => p.worst()));
      const stall = only === undefined ? Math.max(...worst) : worst[only]!;
      figures.push({
        name: `${n.toLocaleString("en")} devices, ${load}: commit -> usable on all 3 brokers`,
        value: round(Math.max(...times) - committedAt, 0),
        unit: "ms",
        goal: n >= 10_000 ? { op: "<=", value: 10_000 } : null,
        baseline: null,
        note: `fleet of ${fleetSize.toLocaleString("en")} devices after the commit; before it, hashing and inserting took ${round(committedAt - before, 0)} ms; usable = a first, middle and last device each connect`,
      });
      figures.push({
        name: `${n.toLocaleString("en")} devices, ${load}: longest stall of a connected client${only === undefined ? "" : ` of ${fleet.brokers[only]!.name}`}`,
        value: round(stall, 1),
        unit: "ms",
        goal: { op: "<=", value: 100 },
        baseline: null,
        note: `per broker: ${fleet.brokers.map((b, i) => `${b.name} ${round(worst[i]!, 0)} ms`).join(", ")}`,
      });
      // Each figure starts from the same fleet: the devices added here are removed everywhere before the next.
      await removeBatch(created.batch.id);
    };
    for (const n of sizes) await measure(n, "0 connected");
    const perDeviceOurs = figures[0] ? figures[0].value / (sizes[0] ?? 1) : NaN;

    // The same with 10,000 TLS-PSK devices connected to the first broker.
    const psk = await createDevicesBulk({ actor, input: { devices: Array.from({ length: CONNECTED }, (_, i) => ({ clientId: `held-${String(i).padStart(5, "0")}`, tags: [], auth: { type: "psk" as const } })) } });
    const first = fleet.brokers[0]!;
    const lastPsk = psk.devices.at(-1)!;
    await eventually(async () => {
      const c = await connectPsk(first.ports.psk, lastPsk.secret.pskIdentity!, lastPsk.secret.pskKey!).catch(() => null);
      await c?.endAsync();
      return c !== null;
    }, "the PSK devices to be usable", 60_000, 100);
    const connectStart = performance.now();
    const holders = await holdConnections(first.ports.psk, psk.devices.map((d) => ({ pskIdentity: d.secret.pskIdentity!, pskKey: d.secret.pskKey! })));
    const connectMs = performance.now() - connectStart;
    try {
      for (const n of sizes) await measure(n, `${CONNECTED.toLocaleString("en")} PSK connected`);
      // The same broker alone on a core: its own reload cost under 10,000 connections, without the contention of
      // 2 cores shared by 3 brokers, 3 agents, the worker, Postgres, the load generators and this process.
      const isolated = isolateOnOwnCore(first.brokerPid);
      if (isolated) {
        try {
          await measure(CONNECTED, `${CONNECTED.toLocaleString("en")} PSK connected, that broker alone on a core`, 0);
        } finally {
          isolated.restore();
        }
      }
      figures.push({ name: `${CONNECTED.toLocaleString("en")} TLS-PSK clients: time to connect to one broker`, value: round(connectMs, 0), unit: "ms", goal: null, baseline: null, note: "held open in 2 other processes during the figures above" });
    } finally {
      await holders.stop();
    }

    // Every change renders and ships whole files, so its cost grows with the fleet: measured at two sizes.
    const singleChanges = async () => {
      const fleetSize = (await db.device.count()) + 1;
      const singles: number[] = [];
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        const d = await createDevice({ actor, input: { clientId: `single-${randomUUID().slice(0, 8)}`, tags: [], auth: { type: "password" } } });
        const at = await Promise.all(fleet.brokers.map((b) => usableAt(b.ports.tlsPassword, fleet.caPem, d.device.clientId, d.secret.password!)));
        singles.push(Math.max(...at) - t0);
      }
      return { singles, fleetSize };
    };
    const small = await singleChanges();
    const run = randomUUID().slice(0, 6);
    await createDevicesBulk({ actor, input: { devices: Array.from({ length: 10_000 }, (_, i) => ({ clientId: `bulk-${run}-${i}`, tags: [], auth: { type: "psk" as const } })) } });
    await createDevicesBulk({ actor, input: { devices: Array.from({ length: 10_000 }, (_, i) => ({ clientId: `bulk-${run}-${10_000 + i}`, tags: [], auth: { type: "password" as const } })) } });
    await createDevicesBulk({ actor, input: { devices: Array.from({ length: 10_000 }, (_, i) => ({ clientId: `bulk-${run}-${20_000 + i}`, tags: [], auth: { type: "psk" as const } })) } });
    await settled();
    const large = await singleChanges();
    await Promise.all(probers.map((p) => p.stop()));

    const baseline = await dynsecBaseline(100);
    for (const { singles, fleetSize } of [small, large]) {
      figures.push({
        name: `single change: API call -> enforced on all 3 brokers (p50), fleet of ${fleetSize.toLocaleString("en")}`,
        value: round(percentile(singles, 50), 0),
        unit: "ms",
        goal: { op: "<=", value: 1_000 },
        baseline: null,
        note: `p95 ${round(percentile(singles, 95), 0)} ms over ${singles.length} changes`,
      });
    }
    figures.push({
      name: "per device, fleet-wide (rendered files + SIGHUP, 3 brokers)",
      value: round(perDeviceOurs, 2),
      unit: "ms",
      goal: null,
      baseline: { value: round(baseline.perDeviceMs, 2), what: `mosquitto_ctrl loop, dynsec, 1 broker, ${baseline.devices} devices` },
    });
  } finally {
    await worker.kill();
    await fleet.stop();
  }
  return figures;
}
