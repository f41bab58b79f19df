import "server-only";
import { removeLiveCredentials } from "../live/expire-live-credentials";
import { change } from "../../change";
import { appendAudit, type TActor } from "../../audit";
import { AppError } from "../../errors";
import { generatePassword, hashPassword } from "../../passwords";
import { toUserDto } from "./user-dto";

export type TResetUserPasswordOptions = { actor: TActor; id: string };

/** Sets a new generated password (returned once) and ends every session of the user. */
export async function resetUserPassword({ actor, id }: TResetUserPasswordOptions) {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const user = await change(async (tx) => {
    const exists = await tx.user.findUnique({ where: { id }, select: { id: true } });
    if (!exists) throw new AppError("NOT_FOUND", "User was not found.");
    const u = await tx.user.update({ where: { id }, data: { passwordHash } });
    const ended = await tx.userSession.updateMany({ where: { userId: id, endedAt: null }, data: { endedAt: new Date() } });
    await removeLiveCredentials(tx, actor, { userId: id }, "password reset");
    await appendAudit(tx, actor, {
      action: "user.reset_password",
      targetType: "user",
      targetId: id,
      details: { sessionsEnded: ended.count },
    });
    return u;
  });
  return { user: toUserDto(user), password };
}
