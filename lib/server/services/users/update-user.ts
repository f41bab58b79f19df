import "server-only";
import { removeLiveCredentials } from "../live/expire-live-credentials";
import { change } from "../../change";
import type { TUserUpdate } from "@/lib/schemas/user";
import { appendAudit, type TActor } from "../../audit";
import { AppError } from "../../errors";
import { toUserDto } from "./user-dto";

export type TUpdateUserOptions = { actor: TActor; id: string; input: TUserUpdate };

/**
 * Changes name, role or disabled state. Disabling ends the user's sessions; the last active admin is protected. A
 * single sign-on user's role is their groups' (set at each sign-in), not changed here.
 */
export async function updateUser({ actor, id, input }: TUpdateUserOptions) {
  const user = await change(async (tx) => {
    // Changes are serialised (see change()), so two admins cannot demote each other at once.
    const before = await tx.user.findUnique({ where: { id } });
    if (!before) throw new AppError("NOT_FOUND", "User was not found.");
    if (before.oidcSubject && input.role && input.role !== before.role) {
      throw new AppError("UNPROCESSABLE", "This user's role follows their groups at each single sign-on: change the group-to-role mapping instead.", { role: "is set by the user's groups (single sign-on)" });
    }
    const losesAdmin = before.role === "ADMIN" && !before.disabled && ((input.role && input.role !== "ADMIN") || input.disabled === true);
    if (losesAdmin) {
      const admins = await tx.user.count({ where: { role: "ADMIN", disabled: false } });
      if (admins <= 1) {
        const field = input.disabled ? "disabled" : "role";
        throw new AppError("CONFLICT", "This is the last active admin: make another admin first.", { [field]: "would leave no active admin" });
      }
    }
    const after = await tx.user.update({ where: { id }, data: input });
    if (input.disabled === true && !before.disabled) {
      await tx.userSession.updateMany({ where: { userId: id, endedAt: null }, data: { endedAt: new Date() } });
    }
    // A live credential's scope follows its holder's role: disabled or given another role, they mint anew.
    if ((input.disabled === true && !before.disabled) || (input.role && input.role !== before.role)) {
      await removeLiveCredentials(tx, actor, { userId: id }, input.disabled ? "user disabled" : "user role changed");
    }
    const changed = (Object.keys(input) as (keyof TUserUpdate)[]).filter((k) => before[k] !== after[k]);
    await appendAudit(tx, actor, {
      action: "user.update",
      targetType: "user",
      targetId: id,
      details: {
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: Object.fromEntries(changed.map((k) => [k, after[k]])),
      },
    });
    return after;
  });
  return toUserDto(user);
}
