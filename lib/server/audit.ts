import "server-only";
import { auditEventHash, GENESIS_HASH } from "@/lib/domain/audit-hash";
import type { TTx } from "./db";

/** Who did it, from where. Built by the gate for every request. */
export type TActor = {
  type: "user" | "token" | "system" | "anonymous";
  id: string | null;
  label: string;
  ip: string | null;
  userAgent: string | null;
};

export type TAuditInput = {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
};

// Any constant shared by every writer: one lock serialises appends so concurrent writers never fork the chain.
const AUDIT_CHAIN_LOCK = 0x66_77_61_75; // "fwau"

/** Held until the transaction ends; taking it again in the same transaction is free. */
export const lockAuditChain = (tx: TTx) => tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);

/** Appends one event to the chain inside the caller's transaction, so it commits or rolls back with the change. */
export async function appendAudit(tx: TTx, actor: TActor, input: TAuditInput): Promise<void> {
  await lockAuditChain(tx);
  const last = await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  const content = {
    at: new Date(),
    actorType: actor.type,
    actorId: actor.id,
    actorLabel: actor.label,
    action: input.action,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    ip: actor.ip,
    userAgent: actor.userAgent,
    details: input.details ?? {},
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  await tx.auditEvent.create({
    data: { ...content, details: content.details as object, prevHash, hash: auditEventHash(prevHash, content) },
  });
}
