import "server-only";
import { db } from "../../db";
import { AppError } from "../../errors";
import { toBrokerDto } from "./broker-dto";

const desiredRevision = async () => (await db.fleetState.findUniqueOrThrow({ where: { id: 1 } })).revision;

/** Every broker with its computed sync state. Fleets are tens of brokers, not thousands: one page. */
export async function findBrokers() {
  const [brokers, revision] = await Promise.all([db.broker.findMany({ orderBy: { name: "asc" } }), desiredRevision()]);
  return { items: brokers.map((b) => toBrokerDto(b, revision)), nextCursor: null };
}

export async function getBroker(id: string) {
  const [b, revision] = await Promise.all([db.broker.findUnique({ where: { id } }), desiredRevision()]);
  if (!b) throw new AppError("NOT_FOUND", "Broker was not found.");
  return toBrokerDto(b, revision);
}
