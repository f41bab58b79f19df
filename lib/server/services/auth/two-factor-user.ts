import "server-only";
import type { TActor } from "../../audit";
import type { TTx } from "../../db";
import { AppError } from "../../errors";

/** The signed-in user behind the actor, locked for the change; API tokens have no second factor. */
export async function twoFactorUser(tx: TTx, actor: TActor) {
  if (actor.type !== "user" || !actor.id) throw new AppError("FORBIDDEN", "Two-factor authentication belongs to users signed in with a browser, not API tokens.");
  await tx.$executeRaw`SELECT 1 FROM "User" WHERE "id" = ${actor.id}::uuid FOR UPDATE`;
  const user = await tx.user.findUnique({ where: { id: actor.id } });
  if (!user) throw new AppError("NOT_FOUND", "User was not found.");
  return user;
}
