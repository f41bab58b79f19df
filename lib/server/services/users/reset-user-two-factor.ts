import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError } from "../../errors";
import { removeLiveCredentials } from "../live/expire-live-credentials";
import { toUserDto } from "./user-dto";

/**
 * For a user who lost their authenticator and recovery codes: removes the second factor and ends their sessions,
 * so they sign in with the password alone and enrol again (at once, where the policy requires it).
 */
export async function resetUserTwoFactor({ actor, id }: { actor: TActor; id: string }) {
  return change(async (tx) => {
    const u = await tx.user.findUnique({ where: { id } });
    if (!u) throw new AppError("NOT_FOUND", "User was not found.");
    if (!u.totpEnabledAt && !u.totpPendingSealed) throw new AppError("CONFLICT", "This user has no second factor to reset.");
    const user = await tx.user.update({ where: { id }, data: { totpSecretSealed: null, totpPendingSealed: null, totpEnabledAt: null, totpLastStep: null, recoveryCodeHashes: [] } });
    const ended = await tx.userSession.updateMany({ where: { userId: id, endedAt: null }, data: { endedAt: new Date() } });
    await removeLiveCredentials(tx, actor, { userId: id }, "second factor reset");
    await appendAudit(tx, actor, { action: "user.two_factor_reset", targetType: "user", targetId: id, details: { email: u.email, sessionsEnded: ended.count } });
    return toUserDto(user);
  });
}
