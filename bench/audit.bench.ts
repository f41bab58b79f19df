// The audit log at 1,000,000 events: filtered queries (p95 over repeated runs; goal under 100 ms each) and chain
// verification (goal under 10 s), with the unindexed way to search and a plain read of every row as baselines.
import pg from "pg";
import { db } from "@/lib/server/db";
import { findAuditEvents } from "@/lib/server/services/audit/find-audit-events";
import { verifyAuditChain } from "@/lib/server/services/audit/verify-audit-chain";
import type { TAuditQuery } from "@/lib/schemas/audit";
import { p95Of, round, type TFigure } from "./figures";
import { SEEDED_EVENTS as EVENTS, seedAuditLog } from "./seed-audit-log";

const RUNS = 30;

const p95 = (run: () => Promise<unknown>) => p95Of(run, RUNS);

export async function auditBench(): Promise<TFigure[]> {
  const { first, last, startAt, seededMs } = await seedAuditLog();
  console.log(seededMs === null ? "[bench] the audit events were already there" : `[bench] seeded ${EVENTS.toLocaleString("en")} events in ${round(seededMs / 1000)} s`);
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
  const figures: TFigure[] = seededMs === null ? [] : [{ name: `audit: seeding ${EVENTS.toLocaleString("en")} hashed events`, value: round(seededMs / 1000), unit: "s", goal: null, baseline: null }];
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
