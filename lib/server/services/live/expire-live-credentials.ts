import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import type { TTx } from "../../db";
import { desiredStateChanged } from "../../queue";

const JANITOR: TActor = { type: "system", id: null, label: "janitor", ip: null, userAgent: null };

/**
 * Removes live credentials (a session's, all of a user's, or every expired one), moving the desired state on when
 * any went.
 */
export async function removeLiveCredentials(tx: TTx, actor: TActor, where: { sessionId: string } | { userId: string } | { expiredBefore: Date }, reason: string): Promise<number> {
  const filter = "sessionId" in where ? { sessionId: where.sessionId } : "userId" in where ? { session: { userId: where.userId } } : { expiresAt: { lte: where.expiredBefore } };
  const gone = await tx.liveCredential.findMany({ where: filter, select: { username: true } });
  if (!gone.length) return 0;
  await tx.liveCredential.deleteMany({ where: { username: { in: gone.map((g) => g.username) } } });
  await desiredStateChanged(tx, `live credentials ${reason}`, { access: false, changes: [{ kind: "live" }] });
  await appendAudit(tx, actor, { action: "live.credential_remove", targetType: "live_credential", details: { reason, usernames: gone.map((g) => g.username) } });
  return gone.length;
}

/** The janitor's round: every expired live credential leaves every broker. */
export async function expireLiveCredentials(now = new Date()): Promise<number> {
  return change((tx) => removeLiveCredentials(tx, JANITOR, { expiredBefore: now }, "expired"));
}
