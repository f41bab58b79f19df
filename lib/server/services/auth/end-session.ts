import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { removeLiveCredentials } from "../live/expire-live-credentials";

/** Ends a session once (later calls change nothing) and audits why; its live views' broker credential goes too. */
export async function endSession(sessionId: string, actor: TActor, reason: string): Promise<boolean> {
  return change(async (tx) => {
    const r = await tx.userSession.updateMany({ where: { id: sessionId, endedAt: null }, data: { endedAt: new Date() } });
    if (r.count === 0) return false;
    await appendAudit(tx, actor, { action: reason === "sign_out" ? "auth.sign_out" : "auth.session_ended", targetType: "session", targetId: sessionId, details: { reason } });
    await removeLiveCredentials(tx, actor, { sessionId }, `session ended (${reason})`);
    return true;
  });
}
