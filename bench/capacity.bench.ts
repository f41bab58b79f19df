// The capacity model's measurements: the same figures at three sizes along each axis, so the README can say how they
// grow and which one gives out first. Brokers: 1, 3, 6 at 10,000 devices. Devices: 10,000, 50,000, 200,000 on 3
// brokers. Audit events: 100,000, 300,000, 1,000,000.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt from "mqtt";
import { reservePorts } from "@/lib/fleet/local-fleet";
import { connectDevice, eventually, startTestFleet, startWorker, type TTestFleet } from "@/lib/fleet/testing/test-fleet";
import { change } from "@/lib/server/change";
import { db } from "@/lib/server/db";
import { desiredStateChanged } from "@/lib/server/queue";
import { verifyAuditChain } from "@/lib/server/services/audit/verify-audit-chain";
import { findAuditEvents } from "@/lib/server/services/audit/find-audit-events";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { findDevices } from "@/lib/server/services/devices/find-devices";
import { renderDesiredState } from "@/lib/server/services/fleet/render-desired-state";
import { testActor } from "@/lib/server/testing/fixtures";
import { p95Of, percentile, round, type TFigure } from "./figures";
import { seedAuditLog } from "./seed-audit-log";
import { growDevices } from "./seed-devices";

const actor = testActor("capacity");
const BROKER_SIZES = [1, 3, 6];
const BROKER_AXIS_DEVICES = 10_000;
const DEVICE_SIZES = [10_000, 50_000, 200_000];
const EVENT_SIZES = [100_000, 300_000, 1_000_000];
const CHANGES = 5;

const fmt = (n: number) => n.toLocaleString("en");
const info = (name: string, value: number, unit: string, note?: string): TFigure => ({ name: `capacity: ${name}`, value, unit, goal: null, baseline: null, note });

async function settled(): Promise<void> {
  const { revision } = await db.fleetState.findUniqueOrThrow({ where: { id: 1 } });
  await eventually(async () => (await db.broker.findMany({ select: { appliedRevision: true } })).every((b) => b.appliedRevision >= revision), "every broker to apply", 600_000, 200);
}

/** One device created through the service until it can connect to every broker: p50 and p95 of `CHANGES`. */
async function singleChanges(fleets: TTestFleet[]): Promise<{ p50: number; p95: number }> {
  const brokers = fleets.flatMap((f) => f.brokers.map((b) => ({ port: b.ports.tlsPassword, caPem: f.caPem })));
  const times: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const t0 = performance.now();
    const d = await createDevice({ actor, input: { clientId: `capchange-${randomUUID().slice(0, 8)}`, tags: [], auth: { type: "password" } } });
    await Promise.all(
      brokers.map(({ port, caPem }) =>
        eventually(async () => {
          const c = await connectDevice(port, caPem, { clientId: d.device.clientId, username: d.device.clientId, password: d.secret.password! }).catch(() => null);
          await c?.endAsync();
          return c !== null;
        }, "the new device to connect", 120_000, 50),
      ),
    );
    times.push(performance.now() - t0);
  }
  return { p50: round(percentile(times, 50), 0), p95: round(percentile(times, 95), 0) };
}

/** The whole state pushed again to every broker (a full reconcile), from commit until all applied. */
async function fullPush(): Promise<number> {
  const t0 = performance.now();
  // Forgetting what the brokers hold makes the next sync send every file whole, as to a broker that lost them.
  await change(async (tx) => {
    await tx.broker.updateMany({ data: { actualDigests: {} } });
    await desiredStateChanged(tx, "capacity full push");
  });
  await settled();
  return round(performance.now() - t0, 0);
}

/** SIGHUP to one broker until it answers a new connection again (Mosquitto reloads its files in its one thread). */
async function reloadStall(b: TTestFleet["brokers"][number], caPem: string): Promise<number> {
  const pid = Number(readFileSync(path.join(b.dir, "broker.pid"), "utf8"));
  const t0 = performance.now();
  process.kill(pid, "SIGHUP");
  // A wrong password is refused only once the broker runs again: that answer is the end of the stall.
  await eventually(async () => {
    const c = await connectDevice(b.ports.tlsPassword, caPem, { clientId: "cap-0000001", username: "cap-0000001", password: "not-it" }).catch((e: { code?: number }) => e);
    return typeof (c as { code?: number }).code === "number";
  }, "the broker to answer after its reload", 600_000, 5);
  return round(performance.now() - t0, 0);
}

/**
 * Mosquitto 2.0.11's acl_file loader finds each line's user by walking its list of users: with one block per device
 * a reload costs O(N^2). Fleetward writes shared grants as patterns (lib/domain/acl/acl-layout.ts) so that only
 * devices with access of their own get a block; this is what a fleet of devices that all differ would cost.
 */
async function aclBlocksReload(blocks: number): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fleetward-aclblocks-"));
  const [port] = await reservePorts(1);
  const lines = ["pattern readwrite devices/%c/#"];
  for (let i = 0; i < blocks; i++) lines.push("", `user dev-${String(i).padStart(7, "0")}`, `topic readwrite devices/dev-${String(i).padStart(7, "0")}/#`);
  writeFileSync(path.join(dir, "acl"), `${lines.join("\n")}\n`, { mode: 0o644 });
  writeFileSync(path.join(dir, "mosquitto.conf"), `listener ${port} 127.0.0.1\nallow_anonymous true\nacl_file ${path.join(dir, "acl")}\n`, { mode: 0o644 });
  chmodSync(dir, 0o755);
  const broker = spawn("mosquitto", ["-c", path.join(dir, "mosquitto.conf")], { stdio: "ignore" });
  const answers = async () => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 600_000 }).catch(() => null);
    await c?.endAsync();
    return c !== null;
  };
  try {
    await eventually(answers, "the broker to start", 600_000, 20);
    const t0 = performance.now();
    broker.kill("SIGHUP");
    await eventually(answers, "the broker to answer after its reload", 600_000, 5);
    return round(performance.now() - t0, 0);
  } finally {
    broker.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

const peakRss = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

export async function capacityBench(): Promise<TFigure[]> {
  const figures: TFigure[] = [];
  const fleets: TTestFleet[] = [];
  const dir = () => fleets[0]!.dir;
  try {
    // Brokers axis.
    await growDevices("cap-", 7, BROKER_AXIS_DEVICES);
    fleets.push(startTestFleet(1));
    const worker = startWorker(dir(), "capacity-worker");
    try {
      for (const size of BROKER_SIZES) {
        const have = fleets.reduce((n, f) => n + f.brokers.length, 0);
        if (size > have) fleets.push(startTestFleet(size - have));
        await settled();
        const single = await singleChanges(fleets);
        figures.push(info(`${size} broker(s), ${fmt(BROKER_AXIS_DEVICES)} devices: single change -> usable on every broker (p50)`, single.p50, "ms", `p95 ${single.p95} ms over ${CHANGES}`));
        figures.push(info(`${size} broker(s), ${fmt(BROKER_AXIS_DEVICES)} devices: whole state pushed to every broker`, await fullPush(), "ms"));
      }
      // Back to 3 brokers for the devices axis.
      await fleets.pop()!.stop();

      // Devices axis.
      for (const size of DEVICE_SIZES) {
        await growDevices("cap-", 7, size);
        await settled();
        const t0 = performance.now();
        await renderDesiredState();
        const renderMs = round(performance.now() - t0, 0);
        const single = await singleChanges(fleets);
        const passwd = statSync(path.join(fleets[0]!.brokers[0]!.dir, "managed/passwd")).size / 1e6;
        figures.push(info(`${fmt(size)} devices, 3 brokers: single change -> usable on every broker (p50)`, single.p50, "ms", `p95 ${single.p95} ms over ${CHANGES}`));
        figures.push(info(`${fmt(size)} devices, 3 brokers: whole state pushed to every broker`, await fullPush(), "ms", `passwd file ${round(passwd, 1)} MB per broker`));
        figures.push(info(`${fmt(size)} devices: render the desired state`, renderMs, "ms"));
        figures.push(info(`${fmt(size)} devices: a broker's reload stall (SIGHUP -> answering again)`, await reloadStall(fleets[0]!.brokers[0]!, fleets[0]!.caPem), "ms"));
        figures.push(info(`${fmt(size)} devices: device list, search for one client id (p95)`, await p95Of(() => findDevices({ q: "cap-0004242", limit: 50 }), 50, 5), "ms"));
        figures.push(info(`${fmt(size)} devices: worker peak memory (RSS)`, round(peakRss(worker.process.pid!), 0), "MB"));
      }
    } finally {
      await worker.kill();
    }
  } finally {
    for (const f of fleets) await f.stop();
  }

  // The acl_file loader, with one block per device.
  for (const blocks of [5_000, 10_000, 20_000, 40_000]) {
    figures.push(info(`acl_file with ${fmt(blocks)} per-device blocks: Mosquitto reload`, await aclBlocksReload(blocks), "ms", "what Fleetward's pattern layout avoids for devices sharing their access"));
  }

  // Events axis.
  for (const size of EVENT_SIZES) {
    await seedAuditLog(size);
    const t0 = performance.now();
    const verified = await verifyAuditChain();
    figures.push(info(`${fmt(size)} audit events: verify the whole chain`, round((performance.now() - t0) / 1000, 2), "s", `${fmt(verified.checked)} checked`));
    figures.push(info(`${fmt(size)} audit events: query by action (p95)`, await p95Of(() => findAuditEvents({ action: "device.revoke", limit: 50 }), 50, 5), "ms"));
    figures.push(info(`${fmt(size)} audit events: free-text search, two words (p95)`, await p95Of(() => findAuditEvents({ q: "rotate ops-17", limit: 50 }), 50, 5), "ms"));
  }
  return figures;
}
