import "server-only";
import { db } from "../../db";
import { notFound } from "../../errors";

/** The path under which the same-origin relay reaches a broker (scripts/serve.mjs handles the upgrade). */
export const LIVE_RELAY_PREFIX = "/api/v1/live/ws/";

/** Every registered broker, and where the browser reaches it through the relay. */
export async function liveBrokers() {
  const brokers = await db.broker.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } });
  return brokers.map((b) => ({ ...b, path: `${LIVE_RELAY_PREFIX}${b.id}` }));
}

/** A broker's live listener and the CA its certificate is checked against. */
export async function liveEndpoint(id: string) {
  const b = await db.broker.findUnique({ where: { id }, select: { host: true, ports: true, caPem: true } });
  if (!b) throw notFound("Broker");
  const port = (b.ports as { live?: number }).live;
  if (!port) throw notFound("The broker's live listener");
  return { host: b.host, port, caPem: b.caPem };
}
