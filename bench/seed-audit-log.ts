// 1,000,000 realistic audit events, hashed and MACed into the chain as the product does it, seeded once per database: the
// audit figures query them and the Overview page shows the newest; events found already there are kept.
import pg from "pg";
import { eventHash, eventMac, GENESIS_HASH } from "@/lib/domain/audit-hash";
import { auditKeyRing, type TAuditKey } from "@/lib/server/audit-key";
import { db } from "@/lib/server/db";

export const SEEDED_EVENTS = 1_000_000;
const BATCH = 10_000;
/** The seed's own actors, by which its events are told from those the other benchmarks write. */
const ACTOR_LIKE = "ops-%@fleet.example";

const ACTIONS = ["device.create", "device.update", "device.rotate_credential", "device.revoke", "device.delete", "auth.sign_in", "auth.sign_out", "auth.sign_in_failed", "role.save", "group.save", "broker.reconcile", "live.credential_mint", "live.credential_remove", "certificate.issue", "token.create", "user.update"];
const WEIGHTS = [20, 25, 5, 1, 2, 15, 10, 3, 2, 1, 2, 8, 5, 3, 1, 1];
const actors = Array.from({ length: 60 }, (_, i) => `ops-${String(i).padStart(2, "0")}@fleet.example`);

/**
 * The seeded range: ids, when its first event happened (one every 2 s on average), and how long this process spent
 * seeding them (null: all found already there).
 */
export type TAuditSeed = { first: bigint; last: bigint; startAt: number; seededMs: number | null };

/** A deterministic pseudo-random sequence, so every run measures the same log. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
}

function pick<T>(r: () => number, items: readonly T[], weights?: readonly number[]): T {
  if (!weights) return items[Math.floor(r() * items.length)]!;
  let x = r() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items.length; i++) if ((x -= weights[i]!) < 0) return items[i]!;
  return items.at(-1)!;
}

let queue: Promise<unknown> = Promise.resolve();
let spentMs = 0;

/** At least `events` seeded events (the default for the audit and page figures); calls run one after another. */
export function seedAuditLog(events = SEEDED_EVENTS): Promise<TAuditSeed> {
  const next = queue.then(() => seed(events));
  queue = next.catch(() => {});
  return next;
}

async function seed(events: number): Promise<TAuditSeed> {
  const [have] = await db.$queryRaw<{ n: number; first: bigint | null; last: bigint | null; start: Date | null }[]>`
    SELECT count(*)::int AS n, min("id") AS first, max("id") AS last, min("at") AS start FROM "AuditEvent" WHERE "actorLabel" LIKE ${ACTOR_LIKE}`;
  const { n, first, last, start } = have!;
  // The seed's k-th event happens at startAt + 2 s * k, so a log seeded in steps has the timeline of one seeded at once.
  const startAt = start?.getTime() ?? Date.now() - Math.max(events, SEEDED_EVENTS) * 2_000;
  if (n < events) {
    const t = performance.now();
    const added = await append(n, events - n, startAt);
    spentMs += performance.now() - t;
    return { first: first ?? added.first, last: added.last, startAt, seededMs: spentMs };
  }
  return { first: first!, last: last!, startAt, seededMs: spentMs || null };
}

/** One event's row, in the column order of the INSERT below. */
function event(r: () => number, at: Date, id: bigint, prev: string, key: TAuditKey): { row: (string | null)[]; hash: string } {
  const action = pick(r, ACTIONS, WEIGHTS);
  const device = `dev-${String(Math.floor(r() * 50_000)).padStart(5, "0")}`;
  const content = {
    at,
    actorType: "user",
    actorId: null,
    actorLabel: pick(r, actors),
    action,
    targetType: action.split(".")[0]!,
    targetId: device,
    ip: `10.${Math.floor(r() * 4)}.${Math.floor(r() * 250)}.${Math.floor(r() * 250)}`,
    userAgent: "Mozilla/5.0",
    details: action.startsWith("device.") ? { clientId: device, before: { tags: ["line-1"], disabled: false }, after: { tags: ["line-2"], disabled: r() < 0.1 } } : { note: "routine" },
  };
  const hash = eventHash(prev, { ...content, id: id.toString(), keyId: key.id });
  const row = [id.toString(), at.toISOString(), content.actorType, null, content.actorLabel, action, content.targetType, device, content.ip, content.userAgent, JSON.stringify(content.details), prev, hash, key.id, eventMac(key.key, hash)];
  return { row, hash };
}

/** Appends seeded events `from` .. `from + n - 1` after the chain's current end. */
async function append(from: number, n: number, startAt: number): Promise<{ first: bigint; last: bigint }> {
  const r = rng(42 + from);
  const key = auditKeyRing().current;
  const tail = await db.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true, hash: true } });
  let prev = tail?.hash ?? GENESIS_HASH;
  let id = (tail?.id ?? BigInt(0)) + BigInt(1);
  const first = id;
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    for (let done = 0; done < n; done += BATCH) {
      const cols: (string | null)[][] = Array.from({ length: 15 }, () => []);
      for (let i = 0; i < Math.min(BATCH, n - done); i++) {
        const e = event(r, new Date(startAt + (from + done + i) * 2_000), id, prev, key);
        e.row.forEach((v, c) => cols[c]!.push(v));
        prev = e.hash;
        id++;
      }
      await client.query(
        `INSERT INTO "AuditEvent" ("id", "at", "actorType", "actorId", "actorLabel", "action", "targetType", "targetId", "ip", "userAgent", "details", "prevHash", "hash", "keyId", "mac")
         SELECT * FROM unnest($1::bigint[], $2::timestamp(3)[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::jsonb[], $12::text[], $13::text[], $14::text[], $15::text[])`,
        cols,
      );
    }
    await client.query(`SELECT setval(pg_get_serial_sequence('"AuditEvent"', 'id'), $1)`, [(id - BigInt(1)).toString()]);
    await client.query(`ANALYZE "AuditEvent"`);
  } finally {
    await client.end();
  }
  return { first, last: id - BigInt(1) };
}
