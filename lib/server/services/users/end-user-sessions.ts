import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError } from "../../errors";
import { removeLiveCredentials } from "../live/expire-live-credentials";

/** Ends every session of a user (each request checks its session, so they are signed out at their next one) and their live credentials. */
export async function endUserSessions({ actor, id }: { actor: TActor; id: string }): Promise<{ ended: number }> {
  return change(async (tx) => {
    const u = await tx.user.findUnique({ where: { id }, select: { email: true } });
    if (!u) throw new AppError("NOT_FOUND", "User was not found.");
    const ended = await tx.userSession.updateMany({ where: { userId: id, endedAt: null }, data: { endedAt: new Date() } });
    await removeLiveCredentials(tx, actor, { userId: id }, "sessions ended by an admin");
    await appendAudit(tx, actor, { action: "user.sessions_end", targetType: "user", targetId: id, details: { email: u.email, sessionsEnded: ended.count } });
    return { ended: ended.count };
  });
}
