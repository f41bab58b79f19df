import "server-only";
import { passwordProblem } from "@/lib/domain/password-policy";
import type { TPasswordChange } from "@/lib/schemas/user";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";
import { AppError } from "../../errors";
import { hashPassword, verifyPassword } from "../../passwords";
import { removeLiveCredentials } from "../live/expire-live-credentials";
import { getPasswordStatus } from "./get-password-status";
import { withProofOfIdentity, WRONG_PROOF } from "./with-proof-of-identity";

export type TChangeOwnPasswordOptions = { actor: TActor; sessionId: string | null; input: TPasswordChange };

const WRONG_CURRENT = { message: "The current password is wrong.", reason: "is not your current password", audited: "wrong_password" };

/**
 * The signed-in user chooses a new password, proving the current one (a wrong one counts towards the sign-in
 * lockout, as at sign-in). Every other session of theirs ends, with its live credentials: whoever knew the old
 * password is signed out; this browser stays signed in. A single sign-on user has no password of their own.
 */
export async function changeOwnPassword({ actor, sessionId, input }: TChangeOwnPasswordOptions) {
  if (actor.type !== "user" || !actor.id || !sessionId) throw new AppError("FORBIDDEN", "Only a user signed in with a browser changes their own password.");
  const user = await db.user.findUnique({ where: { id: actor.id } });
  if (!user) throw new AppError("NOT_FOUND", "User was not found.");
  const status = await getPasswordStatus(actor);
  if (!status.local) {
    throw new AppError("CONFLICT", `You sign in with ${status.provider}: your password is kept by your identity provider, not by Fleetward, so it is changed there.`, { currentPassword: `you sign in with ${status.provider}` });
  }
  const proof = { actor, user, field: "currentPassword", refusedAction: "user.password_change_refused", wrong: WRONG_CURRENT };
  return withProofOfIdentity(proof, async () => {
    if (!(await verifyPassword(user.passwordHash, input.currentPassword))) return WRONG_PROOF;
    const problem = input.newPassword === input.currentPassword ? "must differ from your current password" : passwordProblem(input.newPassword, { email: user.email });
    if (problem) throw new AppError("UNPROCESSABLE", `The new password ${problem}.`, { newPassword: problem });
    const passwordHash = await hashPassword(input.newPassword);
    return change(async (tx) => {
      // The hash read above must still be the one in place: two changes at once cannot both win.
      const changed = await tx.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash } });
      if (changed.count !== 1) throw new AppError("CONFLICT", "Your password was changed meanwhile: sign in again with the new one.");
      const others = await tx.userSession.findMany({ where: { userId: user.id, endedAt: null, id: { not: sessionId } }, select: { id: true } });
      await tx.userSession.updateMany({ where: { id: { in: others.map((s) => s.id) } }, data: { endedAt: new Date() } });
      for (const s of others) await removeLiveCredentials(tx, actor, { sessionId: s.id }, "password changed");
      await appendAudit(tx, actor, { action: "user.password_change", targetType: "user", targetId: user.id, details: { sessionsEnded: others.length } });
      return { changed: true, sessionsEnded: others.length };
    });
  });
}
