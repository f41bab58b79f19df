// The audit log at 1,000,000 events: filtered queries (p95 over repeated runs; goal under 100 ms each) and chain
// verification (goal under 10 s), with the unindexed way to search and a plain read of every row as baselines.
import pg from "pg";
import { auditEventHash, GENESIS_HASH } from "@/lib/domain/audit-hash";
import { db } from "@/lib/server/db";
import { findAuditEvents } from "@/lib/server/services/audit/find-audit-events";
import { verifyAuditChain } from "@/lib/server/services/audit/verify-audit-chain";
import type { TAuditQuery } from "@/lib/schemas/audit";
import { p95Of, round, type TFigure } from "./figures";

const EVENTS = 1_000_000;
const BATCH = 10_000;
const RUNS = 30;

const ACTIONS = ["device.create", "device.update", "device.rotate_credential", "device.revoke", "device.delete", "auth.sign_in", "auth.sign_out", "auth.sign_in_failed", "role.save", "group.save", "broker.reconcile", "live.credential_mint", "live.credential_remove", "certificate.issue", "token.create", "user.update"];
const WEIGHTS = [20, 25, 5, 1, 2, 15, 10, 3, 2, 1, 2, 8, 5, 3, 1, 1];
const actors = Array.from({ length: 60 }, (_, i) => `ops-${String(i).padStart(2, "0")}@fleet.example`);

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

/** Appends `n` realistic events after the chain's current end, hashed as the product hashes them. */
async function seed(n: number): Promise<{ first: bigint; last: bigint; startAt: number }> {
  const r = rng(42);
  const tail = await db.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true, hash: true } });
  let prev = tail?.hash ?? GENESIS_HASH;
  let id = (tail?.id ?? BigInt(0)) + BigInt(1);
  const first = id;
  const startAt = Date.now() - n * 2_000; // one event every 2 s on average, ending now
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    for (let done = 0; done < n; done += BATCH) {
      const cols: string[][] = Array.from({ length: 13 }, () => []);
      for (let i = 0; i < Math.min(BATCH, n - done); i++) {
        const action = pick(r, ACTIONS, WEIGHTS);
        const device = `dev-${String(Math.floor(r() * 50_000)).padStart(5, "0")}`;
        const content = {
          at: new Date(startAt + (done + i) * 2_000),
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
        const hash = auditEventHash(prev, content);
        const row = [id.toString(), content.at.toISOString(), content.actorType, null, content.actorLabel, content.action, content.targetType, content.targetId, content.ip, content.userAgent, JSON.stringify(content.details), prev, hash];
        row.forEach((v, c) => cols[c]!.push(v as string));
        prev = hash;
        id++;
      }
      await client.query(
        `INSERT INTO "AuditEvent" ("id", "at", "actorType", "actorId", "actorLabel", "action", "targetType", "targetId", "ip", "userAgent", "details", "prevHash", "hash")
         SELECT * FROM unnest($1::bigint[], $2::timestamp(3)[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::jsonb[], $12::text[], $13::text[])`,
        cols,
      );
    }
    await client.query(`SELECT setval(pg_get_serial_sequence('"AuditEvent"', 'id'), $1)`, [(id - BigInt(1)).toString()]);
    await client.query(`ANALYZE "AuditEvent"`);
  } finally {
    await client.end();
  }
  return { first, last: id - BigInt(1), startAt };
}

const p95 = (run: () => Promise<unknown>) => p95Of(run, RUNS);

export async function auditBench(): Promise<TFigure[]> {
  const seedStart = performance.now();
  const { first, last, startAt } = await seed(EVENTS);
  const seedMs = performance.now() - seedStart;
  console.log(`[bench] seeded ${EVENTS.toLocaleString("en")} events in ${round(seedMs / 1000)} s`);
  const middle = first + (last - first) / BigInt(2);
  const at = (fraction: number) => new Date(startAt + fraction * EVENTS * 2_000).toISOString();
  const q = (query: Partial<TAuditQuery>) => () => findAuditEvents({ limit: 50, ...query });
  const queries: [string, Partial<TAuditQuery>][] = [
    ["newest page, no filter", {}],
    ["action prefix device.", { action: "device." }],
    ["rare action device.revoke", { action: "device.revoke" }],
    ["actor contains ops-07", { actor: "ops-07" }],
    ["one target", { target: "dev-04242" }],
    ["one hour, mid-log", { from: at(0.5), to: new Date(Date.parse(at(0.5)) + 3_600_000).toISOString() }],
    ["free text, a rare word", { q: "dev-04242" }],
    ["free text, a common word", { q: "device" }],
    ["free text, two words", { q: "line-2 revoke" }],
    ["action + actor + free text", { action: "device.", actor: "ops-07", q: "dev-0424" }],
    ["deep page (cursor mid-log), action", { action: "device.update", cursor: middle.toString() }],
  ];
  const figures: TFigure[] = [{ name: `audit: seeding ${EVENTS.toLocaleString("en")} hashed events`, value: round(seedMs / 1000), unit: "s", goal: null, baseline: null }];
  // The naive way to search the details, for comparison with the index.
  const naive = await p95(() => db.$queryRaw`SELECT "id" FROM "AuditEvent" WHERE "details"::text ILIKE ${"%dev-04242%"} ORDER BY "id" DESC LIMIT 51`);
  for (const [name, query] of queries) {
    const value = await p95(q(query));
    console.log(`[bench] audit query ${name}: p95 ${value} ms`);
    figures.push({ name: `audit query p95 at 1M: ${name}`, value, unit: "ms", goal: { op: "<=", value: 100 }, baseline: name === "free text, a rare word" ? { value: naive, what: "ILIKE over the details, unindexed" } : null });
  }
  const readStart = performance.now();
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  let read = 0;
  for (let after = "0"; ; ) {
    const res = await client.query(`SELECT "id", "hash" FROM "AuditEvent" WHERE "id" > $1 ORDER BY "id" LIMIT 50000`, [after]);
    if (!res.rows.length) break;
    read += res.rows.length;
    after = String(res.rows.at(-1).id);
  }
  await client.end();
  const readMs = performance.now() - readStart;
  const verifyStart = performance.now();
  const verified = await verifyAuditChain();
  const verifyMs = performance.now() - verifyStart;
  if (!verified.ok) throw new Error(`the seeded chain does not verify: first broken ${verified.firstBroken}`);
  figures.push({ name: `audit: chain verification of ${verified.checked.toLocaleString("en")} events`, value: round(verifyMs / 1000, 2), unit: "s", goal: { op: "<=", value: 10 }, baseline: { value: round(readMs / 1000, 2), what: `reading ${read.toLocaleString("en")} ids and hashes, no hashing` } });
  return figures;
}
