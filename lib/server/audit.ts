import "server-only";
import { eventHash, eventMac, GENESIS_HASH } from "@/lib/domain/audit-hash";
import { auditKeyRing, type TAuditKey } from "./audit-key";
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

const ANCHOR_ACTOR: TActor = { type: "system", id: null, label: "audit chain", ip: null, userAgent: null };

type THead = { id: bigint; hash: string; mac: string | null };
type TAppendable = { head: THead | null; nextId: bigint };

/** Appends one event to the chain inside the caller's transaction, so it commits or rolls back with the change. */
export async function appendAudit(tx: TTx, actor: TActor, input: TAuditInput): Promise<void> {
  await lockAuditChain(tx);
  const key = auditKeyRing().current;
  const { head, nextId } = await anchoredHead(tx, key);
  await insertEvent(tx, key, nextId, head?.hash ?? GENESIS_HASH, actor, input);
}

/** The id is part of what is hashed, so it is taken first: under the chain's lock, ids follow the chain's order. */
const nextIdQuery = (tx: TTx) => tx.$queryRaw<{ id: bigint }[]>`SELECT nextval(pg_get_serial_sequence('"AuditEvent"', 'id')) AS id`.then((r) => r[0]!.id);

/**
 * The chain's head and the next event's id (one round trip), after anchoring a chain written before events were
 * MACed: an `audit.reanchor` event, MACed, whose hash covers every earlier event, so they keep verifying by their
 * old rule and cannot be rewritten without breaking it. Runs once: only while no event has a MAC yet (a chain whose
 * newest events lost their MACs is not anchored again over them; verification reports them).
 */
async function anchoredHead(tx: TTx, key: TAuditKey): Promise<TAppendable> {
  const [row] = await tx.$queryRaw<(Partial<THead> & { next: bigint })[]>`
    SELECT nextval(pg_get_serial_sequence('"AuditEvent"', 'id')) AS next, h."id", h."hash", h."mac"
    FROM (SELECT 1) AS one LEFT JOIN LATERAL (SELECT e."id", e."hash", e."mac" FROM "AuditEvent" e ORDER BY e."id" DESC LIMIT 1) AS h ON true`;
  const head = row!.id === undefined || row!.id === null ? null : { id: row!.id, hash: row!.hash!, mac: row!.mac ?? null };
  if (!head || head.mac !== null) return { head, nextId: row!.next };
  if (await tx.auditEvent.findFirst({ where: { mac: { not: null } }, select: { id: true } })) return { head, nextId: row!.next };
  const legacyEvents = await tx.auditEvent.count();
  const details = { legacyEvents, legacyHeadId: head.id.toString(), legacyHeadHash: head.hash, keyId: key.id };
  const anchor = await insertEvent(tx, key, row!.next, head.hash, ANCHOR_ACTOR, { action: "audit.reanchor", targetType: "audit", details });
  return { head: anchor, nextId: await nextIdQuery(tx) };
}

/** Anchors a chain written before events were MACed, if it is one (the worker does it at start). */
export async function anchorAuditChain(tx: TTx): Promise<void> {
  await lockAuditChain(tx);
  await anchoredHead(tx, auditKeyRing().current); // an id taken and not used is a gap, as a rolled-back event leaves
}

// What is hashed is what Postgres will hold. Text is stored as UTF-8, where a lone surrogate can only become U+FFFD;
// details as JSON.stringify writes them (undefined left out, a Date as its text). Canonical JSON then refuses what
// would still not be stored faithfully (a "__proto__" key).
const wellFormed = (s: string) => (s as unknown as { toWellFormed(): string }).toWellFormed();
function text<T extends string | null>(s: T): T {
  return (s === null ? s : wellFormed(s)) as T;
}
const storedJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_, x: unknown) => (typeof x === "string" ? wellFormed(x) : x)) ?? "null");

async function insertEvent(tx: TTx, key: TAuditKey, id: bigint, prevHash: string, actor: TActor, input: TAuditInput): Promise<THead> {
  const content = {
    id: id.toString(),
    at: new Date(),
    actorType: actor.type,
    actorId: text(actor.id),
    actorLabel: text(actor.label),
    action: input.action,
    targetType: text(input.targetType ?? null),
    targetId: text(input.targetId ?? null),
    ip: text(actor.ip),
    userAgent: text(actor.userAgent),
    details: storedJson(input.details ?? {}),
    keyId: key.id,
  };
  const hash = eventHash(prevHash, content);
  const mac = eventMac(key.key, hash);
  await tx.auditEvent.create({ data: { ...content, id, details: content.details as object, prevHash, hash, mac }, select: { id: true } });
  return { id, hash, mac };
}
