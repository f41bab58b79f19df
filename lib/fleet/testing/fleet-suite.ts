// Vitest hooks for a test file that runs against its own real fleet with a sync worker.
import { afterAll, beforeAll } from "vitest";
import { disconnectDb } from "@/lib/server/db";
import { startTestFleet, startWorker, type TTestFleet, type TTestWorker } from "./test-fleet";

/** Starts `count` brokers and a worker before the file's tests and removes them after; read `suite.fleet` in tests. */
export function fleetSuite(count: number): { fleet: TTestFleet; worker: TTestWorker } {
  const suite = {} as { fleet: TTestFleet; worker: TTestWorker };
  beforeAll(() => {
    suite.fleet = startTestFleet(count);
    suite.worker = startWorker(suite.fleet.dir);
  }, 120_000);
  afterAll(async () => {
    await suite.worker?.kill();
    await suite.fleet?.stop();
    await disconnectDb();
  }, 60_000);
  return suite;
}
