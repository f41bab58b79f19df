import PgBoss from "pg-boss";
import { dbEnv } from "@/lib/server/env";
import { ensureQueues, QUEUES } from "@/lib/server/queue";

/** fleetward queues ensure: creates pg-boss's schema and Fleetward's queues (part of migrating a database). */
export async function queuesEnsureCommand() {
  const boss = new PgBoss({ connectionString: dbEnv().DATABASE_URL, max: 2, supervise: false, schedule: false });
  await boss.start();
  try {
    await ensureQueues(boss);
    console.log(`Queues ready: ${Object.values(QUEUES).join(", ")}`);
  } finally {
    await boss.stop({ graceful: false });
  }
}
