import "server-only";
import { db } from "../../db";

/** Liveness for load balancers: the process answers, and says whether Postgres does. */
export async function checkHealth() {
  const database = await db.$queryRawUnsafe("SELECT 1").then(() => true, () => false);
  return { ok: database, database };
}
