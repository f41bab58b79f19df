// Device lifecycle figures: revocation latency on a real 3-broker fleet, certificate issuance throughput and
// bulk import validation time.
import { testActor } from "@/lib/server/testing/fixtures";
import { startTestFleet, startWorker } from "@/lib/fleet/testing/test-fleet";
import { bulkValidationFigures } from "./bulk-validation";
import { issuanceFigures } from "./cert-issuance";
import type { TFigure } from "./figures";
import { revocationFigures } from "./revocation";

const actor = testActor("bench");

export async function devicesBench(): Promise<TFigure[]> {
  const figures: TFigure[] = [];
  const fleet = startTestFleet(3);
  try {
    const worker = startWorker(fleet.dir, "bench-worker");
    try {
      figures.push(...(await revocationFigures(fleet, actor, 50)));
    } finally {
      await worker.kill();
    }
  } finally {
    await fleet.stop();
  }
  // Neither needs the fleet: measured after it stopped, so its heartbeats take no CPU from them.
  figures.push(...(await issuanceFigures(500)));
  figures.push(...(await bulkValidationFigures(10_000)));
  return figures;
}
