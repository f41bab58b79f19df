import "server-only";
import { securityPolicy, type TSecurityPolicy } from "@/lib/domain/security/policy";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";

/** The security policy in force (defaults where none was tuned). */
export async function getSecurityPolicy(): Promise<TSecurityPolicy> {
  return securityPolicy((await db.fleetState.findUnique({ where: { id: 1 }, select: { policy: true } }))?.policy);
}

/** Replaces the policy; audited with before and after. */
export async function setSecurityPolicy({ actor, input }: { actor: TActor; input: TSecurityPolicy }): Promise<TSecurityPolicy> {
  return change(async (tx) => {
    const before = securityPolicy((await tx.fleetState.findUnique({ where: { id: 1 }, select: { policy: true } }))?.policy);
    await tx.fleetState.upsert({ where: { id: 1 }, create: { id: 1, policy: input }, update: { policy: input } });
    await appendAudit(tx, actor, { action: "security.policy_update", targetType: "policy", details: { before, after: input } });
    return input;
  });
}
