import "server-only";
import { securityPolicy, type TSecurityPolicy } from "@/lib/domain/security/policy";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db, type TTx } from "../../db";
import { AppError } from "../../errors";

/** The security policy in force (defaults where none was tuned); inside a change, as that transaction sees it. */
export async function getSecurityPolicy(client: TTx = db): Promise<TSecurityPolicy> {
  return securityPolicy((await client.fleetState.findUnique({ where: { id: 1 }, select: { policy: true } }))?.policy);
}

/**
 * Replaces the policy; audited with before and after. An admin without a second factor may not require one of admins:
 * their own next request would be refused until they enrolled.
 */
export async function setSecurityPolicy({ actor, input }: { actor: TActor; input: TSecurityPolicy }): Promise<TSecurityPolicy> {
  return change(async (tx) => {
    const before = await getSecurityPolicy(tx);
    if (input.adminTwoFactor && !before.adminTwoFactor && actor.type === "user" && actor.id) {
      const me = await tx.user.findUnique({ where: { id: actor.id }, select: { totpEnabledAt: true } });
      if (!me?.totpEnabledAt) {
        throw new AppError("UNPROCESSABLE", "Turn on two-factor authentication for yourself first (Settings > Account).", { adminTwoFactor: "needs your own second factor first" });
      }
    }
    await tx.fleetState.upsert({ where: { id: 1 }, create: { id: 1, policy: input }, update: { policy: input } });
    await appendAudit(tx, actor, { action: "security.policy_update", targetType: "policy", details: { before, after: input } });
    return input;
  });
}
