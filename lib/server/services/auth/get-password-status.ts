import "server-only";
import type { TActor } from "../../audit";
import { db } from "../../db";
import { oidcEnv } from "../../env";

export type TPasswordStatus = { local: boolean; provider: string | null };

/**
 * Whether the signed-in user has a password of their own: a user created by single sign-on has none that works
 * (it is random and never shown), so Settings -> Account says where they change it instead.
 */
export async function getPasswordStatus(actor: TActor): Promise<TPasswordStatus> {
  if (actor.type !== "user" || !actor.id) return { local: false, provider: null };
  const user = await db.user.findUnique({ where: { id: actor.id }, select: { oidcSubject: true } });
  if (!user?.oidcSubject) return { local: true, provider: null };
  return { local: false, provider: oidcEnv()?.name ?? "single sign-on" };
}
