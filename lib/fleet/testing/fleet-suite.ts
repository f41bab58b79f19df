// Vitest hooks for a test file that runs against its own real fleet with a sync worker.
import { afterAll, beforeAll } from "vitest";
import { disconnectDb } from "@/lib/server/db";
import { eventually, startTestFleet, startWorker, type TTestFleet, type TTestWorker } from "./test-fleet";

/** Starts `count` brokers and a worker before the file's tests and removes them after; read `suite.fleet` in tests. */
export function fleetSuite(count: number, options: { enforcement?: "plugin" | "files" } = {}): { fleet: TTestFleet; worker: TTestWorker } {
  const suite = {} as { fleet: TTestFleet; worker: TTestWorker };
  // Certificates, brokers and agents for a few brokers take seconds, and minutes on a machine whose cores are busy.
  beforeAll(async () => {
    suite.fleet = startTestFleet(count, options);
    suite.worker = startWorker(suite.fleet.dir);
    // The tests' own waits then time what they test (a sync, a reload), not the worker's start.
    await eventually(() => suite.worker.log().includes("worker running"), "the suite's worker to start", 240_000, 100);
  }, 300_000);
  afterAll(async () => {
    await suite.worker?.kill();
    await suite.fleet?.stop();
    await disconnectDb();
  }, 120_000);
  return suite;
}
