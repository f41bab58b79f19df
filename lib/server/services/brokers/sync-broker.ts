import "server-only";
import {
  driftedFiles,
  linePatch,
  MANAGED_FILES,
  PATCHABLE_FILES,
  type TBrokerFiles,
  type TFileDigests,
  type TLinePatch,
  type TManagedFile,
  type TPatchableFile,
} from "@/lib/domain/broker-files";
import { db } from "../../db";
import { renderDesiredState, renderedContent } from "../fleet/render-desired-state";
import type { TBrokerDriver } from "@/lib/fleet/broker-driver";
import type { Broker } from "@/lib/generated/prisma/client";
import { driverFor } from "./broker-driver-for";
import { syncPluginBroker } from "./sync-plugin-broker";

const pick = (files: TBrokerFiles, names: readonly TManagedFile[]) => Object.fromEntries(names.map((n) => [n, files[n]])) as Partial<TBrokerFiles>;

// Brokers that held the same file get the same patch to the same revision: computed once.
const patchMemo = new Map<string, TLinePatch>();

function memoPatch(file: TPatchableFile, heldDigest: string, prev: string, next: string, revision: bigint): TLinePatch {
  const key = `${file}:${heldDigest}:${revision}`;
  let patch = patchMemo.get(key);
  if (!patch) {
    for (const k of patchMemo.keys()) if (!k.endsWith(`:${revision}`)) patchMemo.delete(k);
    patchMemo.set(key, (patch = linePatch(prev, next)));
  }
  return patch;
}

/** Line patches for changed passwd/psk files whose previous content this process knows, when smaller than the file. */
function patchesFor(held: Partial<TFileDigests>, files: TBrokerFiles, changed: readonly TManagedFile[], revision: bigint) {
  const patches: Partial<Record<TPatchableFile, TLinePatch>> = {};
  for (const f of PATCHABLE_FILES) {
    const prev = changed.includes(f) && held[f] ? renderedContent(held[f]) : undefined;
    if (prev === undefined) continue;
    const patch = memoPatch(f, held[f]!, prev, files[f], revision);
    if ([...patch.add, ...patch.remove].reduce((n, l) => n + l.length + 1, 0) < files[f].length / 2) patches[f] = patch;
  }
  return patches;
}

/** Thrown when the caller cancelled the sync (its worker is stopping): the broker is not at fault, and the job is retried. */
export class SyncCancelled extends Error {
  constructor() {
    super("cancelled: the worker is stopping (the sync is retried)");
  }
}

/** `phases`: milliseconds spent rendering the state, and applying it (command out, agent writes and reloads, reply). */
/** `plugin`: for a broker with the plugin, whether it was sent its whole state, and how many ops. */
export type TSyncResult = { revision: bigint; skipped: boolean; busy?: boolean; phases?: { renderMs: number; applyMs: number }; plugin?: { full: boolean; ops: number } };

/**
 * Makes one broker hold the current desired state, idempotently: a broker that missed changes gets all of them at
 * once (whole files, or the lines that differ from what it holds); the agent refuses any command it ran already.
 * Throws on failure so the queue retries with backoff. `signal` cancels it (its transaction rolls back, the broker
 * connection closes), with SyncCancelled.
 */
export async function syncBroker(brokerId: string, force = false, signal?: AbortSignal): Promise<TSyncResult> {
  if (signal?.aborted) throw new SyncCancelled();
  // One sync per broker at a time (any worker, any replica): the lock lives as long as this transaction.
  // When another sync holds it, say so at once rather than tie up a worker waiting.
  return db.$transaction(
    async (tx) => {
      const [row] = await tx.$queryRawUnsafe<{ locked: boolean }[]>("SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked", `broker-sync:${brokerId}`);
      if (!row?.locked) return { revision: 0n, skipped: true, busy: true };
      return syncLocked(brokerId, force, signal);
    },
    { maxWait: 10_000, timeout: 90_000 },
  );
}

async function syncLocked(brokerId: string, force: boolean, signal?: AbortSignal): Promise<TSyncResult> {
  const broker = await db.broker.findUnique({ where: { id: brokerId } });
  if (!broker) return { revision: 0n, skipped: true }; // removed since the job was queued
  const state = await db.fleetState.findUniqueOrThrow({ where: { id: 1 }, select: { revision: true } });
  const pendingKick = await db.kick.findFirst({ where: { id: { gt: broker.kickedUpTo } }, select: { id: true } });
  if (broker.enforcement === "PLUGIN") return syncPluginLocked(broker, state.revision, Boolean(pendingKick), force, signal);
  const drifted = driftedFiles(broker.expectedDigests as Partial<TFileDigests> | null, broker.actualDigests as Partial<TFileDigests> | null).length > 0;
  // A burst of changes queues a job each; the first applies them all and the rest find nothing to do.
  if (!force && !drifted && !pendingKick && !broker.lastError && broker.appliedRevision >= state.revision) return { revision: broker.appliedRevision, skipped: true };
  const t0 = performance.now();
  try {
    signal?.throwIfAborted();
    // Inside the try: a value the renderer refuses (BrokerFileValueError, naming its owner) fails this sync loudly,
    // on the broker's page and in the worker's log, and the job retries; nothing half-rendered is sent.
    const { revision, files, digests: expected } = await renderDesiredState();
    const t1 = performance.now();
    // Send only what the broker does not already hold, passwd and psk as the lines that changed when this process
    // rendered what the broker holds; if its report was stale, the reply shows it and the whole set follows at once.
    const held = (broker.actualDigests ?? {}) as Partial<TFileDigests>;
    const changed = MANAGED_FILES.filter((f) => held[f] !== expected[f]);
    const patches = patchesFor(held, files, changed, revision);
    const driver = driverFor(broker, signal);
    let reply = await driver.apply(revision, pick(files, changed.filter((f) => !(f in patches))), patches);
    if (driftedFiles(expected, reply.digests ?? null).length > 0) reply = await driver.apply(revision, files);
    const phases = { renderMs: Math.round(t1 - t0), applyMs: Math.round(performance.now() - t1) };
    const now = new Date();
    // Never move the applied revision backwards if a slower, older push finishes last.
    await db.broker.updateMany({
      where: { id: brokerId, appliedRevision: { lte: revision } },
      data: { appliedRevision: revision, appliedAt: now, expectedDigests: expected, actualDigests: reply.digests ?? {}, lastSeenAt: now, lastError: null, lastErrorAt: null },
    });
    await runKicks(broker, driver, revision);
    return { revision, skipped: false, phases };
  } catch (e) {
    throw await failed(brokerId, e, signal);
  }
}

/** A failed sync: cancelled (the worker is stopping), or the broker's last error, and thrown again for a retry. */
async function failed(brokerId: string, e: unknown, signal?: AbortSignal): Promise<unknown> {
  if (signal?.aborted) return new SyncCancelled();
  await db.broker.update({ where: { id: brokerId }, data: { lastError: e instanceof Error ? e.message : String(e), lastErrorAt: new Date() } });
  return e;
}

/** Sessions the applied state now refuses but Mosquitto keeps open (PSK, certificates): close them. */
async function runKicks(broker: Broker, driver: TBrokerDriver, revision: bigint) {
  const kicks = await db.kick.findMany({ where: { id: { gt: broker.kickedUpTo }, revision: { lte: revision } }, orderBy: { id: "asc" }, take: 10_000 });
  if (!kicks.length) return;
  await driver.kick([...new Set(kicks.map((k) => k.clientId))]);
  await db.broker.update({ where: { id: broker.id }, data: { kickedUpTo: kicks.at(-1)!.id } });
}

/** A broker with the plugin: the deltas since its revision, or its whole state (sync-plugin-broker.ts). */
async function syncPluginLocked(broker: Broker, revision: bigint, pendingKick: boolean, force: boolean, signal?: AbortSignal): Promise<TSyncResult> {
  if (!force && !pendingKick && !broker.lastError && broker.appliedRevision >= revision && broker.pluginDigest) return { revision: broker.appliedRevision, skipped: true };
  const t0 = performance.now();
  try {
    signal?.throwIfAborted();
    const driver = driverFor(broker, signal);
    const { reply, digests, expected, full, ops } = await syncPluginBroker(broker, revision, force, driver);
    const now = new Date();
    await db.broker.updateMany({
      where: { id: broker.id, appliedRevision: { lte: revision } },
      data: { appliedRevision: revision, appliedAt: now, pluginDigest: String(reply.plugin?.digest ?? ""), expectedDigests: expected, actualDigests: digests, lastSeenAt: now, lastError: null, lastErrorAt: null },
    });
    await runKicks(broker, driver, revision);
    return { revision, skipped: false, phases: { renderMs: 0, applyMs: Math.round(performance.now() - t0) }, plugin: { full, ops } };
  } catch (e) {
    throw await failed(broker.id, e, signal);
  }
}
