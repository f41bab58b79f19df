import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";

/** How long the brokers' connection events are kept: the detection rules and posture checks look back 90 days. */
export const SECURITY_EVENT_DAYS = 90;
const BATCH = 10_000;
const JANITOR: TActor = { type: "system", id: null, label: "janitor", ip: null, userAgent: null };

/** Deletes security events older than the retention, in batches; audited when any went. */
export async function purgeSecurityEvents(now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - SECURITY_EVENT_DAYS * 86_400_000);
  let purged = 0;
  for (;;) {
    const n = await db.$executeRaw`DELETE FROM "SecurityEvent" WHERE "id" IN (SELECT "id" FROM "SecurityEvent" WHERE "at" < ${before} LIMIT ${BATCH})`;
    purged += n;
    if (n < BATCH) break;
  }
  if (purged) await change((tx) => appendAudit(tx, JANITOR, { action: "security.events_purged", targetType: "security_event", details: { purged, olderThan: before.toISOString() } }));
  return purged;
}
