import "server-only";
import { diffSummaries } from "@/lib/domain/broker-drift";
import { db } from "../../db";
import { AppError } from "../../errors";
import { renderDesiredState } from "../fleet/render-desired-state";
import { driverFor } from "./broker-driver-for";

/** Compares what the broker holds now with the desired state, entry by entry, without moving any secret. */
export async function diffBrokerState(id: string) {
  const b = await db.broker.findUnique({ where: { id } });
  if (!b) throw new AppError("NOT_FOUND", "Broker was not found.");
  const [actual, desired] = await Promise.all([driverFor(b).inspect(), renderDesiredState()]);
  return { broker: b.name, desiredRevision: desired.revision.toString(), checkedAt: new Date().toISOString(), files: diffSummaries(desired.files, actual) };
}
