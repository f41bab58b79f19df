import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventHash, GENESIS_HASH, legacyEventHash } from "@/lib/domain/audit-hash";
import { appendAudit } from "../../audit";
import { change } from "../../change";
import { db, disconnectDb } from "../../db";
import { parseMasterKey } from "../../secrets";
import { testActor, unique } from "../../testing/fixtures";
import { rotateMasterKey } from "../system/rotate-master-key";
import { createWebhook } from "../webhooks/create-webhook";
import { exportAuditEvents } from "./export-audit-events";
import { findAuditEvents } from "./find-audit-events";
import { verifyAuditChain } from "./verify-audit-chain";
import { writeAuditCheckpoint } from "./write-audit-checkpoint";

// Attacks by whoever holds the database superuser, on a database of their own (created and migrated here), so the
// shared test database's chain is never left broken for other test files. It starts as a chain written before
// events were MACed, as an installation upgraded to the keyed chain has one.
// The application's role may not create databases (the embedded server's superuser does that, for it); an external
// DATABASE_URL is used as it is.
const BASE_URL = process.env.DATABASE_URL!;
const ADMIN_URL = process.env.FLEETWARD_TEST_PG_ADMIN_URL ?? BASE_URL;
const NAME = `audit_attacks_${unique()}`;
const KEYS = { master: process.env.FLEETWARD_MASTER_KEY, previous: process.env.FLEETWARD_MASTER_KEY_PREVIOUS, audit: process.env.FLEETWARD_AUDIT_KEY };
let checkpointFile: string;

async function onBase(sqlText: string) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sqlText);
  } finally {
    await c.end();
  }
}

const COLUMNS = ["id", "at", "actorType", "actorId", "actorLabel", "action", "targetType", "targetId", "ip", "userAgent", "details", "prevHash", "hash", "keyId", "mac"] as const;
type TRow = { id: bigint; at: Date; actorType: string; actorId: string | null; actorLabel: string; action: string; targetType: string | null; targetId: string | null; ip: string | null; userAgent: string | null; details: unknown; prevHash: string; hash: string; keyId: string | null; mac: string | null };

const rows = () => db.$queryRawUnsafe<TRow[]>(`SELECT ${COLUMNS.map((c) => `"${c}"`).join(", ")} FROM "AuditEvent" ORDER BY "id"`);
const insertRow = (r: TRow) => ({
  sql: `INSERT INTO "AuditEvent" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES (${COLUMNS.map((c, i) => (c === "details" ? `$${i + 1}::jsonb` : `$${i + 1}`)).join(", ")})`,
  values: COLUMNS.map((c) => (c === "details" ? JSON.stringify(r.details) : r[c])),
});

/** The superuser's way past the append-only trigger, in one transaction. */
async function asSuperuser(statements: { sql: string; values?: unknown[] }[]) {
  await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER audit_event_no_update_delete`);
    for (const s of statements) await tx.$executeRawUnsafe(s.sql, ...(s.values ?? []));
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER audit_event_no_update_delete`);
  });
}

/** Puts every row back as it was: the attacks are undone between tests. */
const restore = (before: TRow[]) => asSuperuser([{ sql: `DELETE FROM "AuditEvent"` }, ...before.map(insertRow)]);

/** Events as the chain was written before it was keyed: no key id, no MAC, the old hash rule. */
async function writeLegacyChain(n: number) {
  let prev = GENESIS_HASH;
  const out: TRow[] = [];
  for (let i = 1; i <= n; i++) {
    const e = { at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), actorType: "user", actorId: null, actorLabel: "old@example.com", action: "device.create", targetType: "device", targetId: `d${i}`, ip: "10.0.0.1", userAgent: "old", details: { n: i } };
    const hash = legacyEventHash(prev, e);
    out.push({ ...e, id: BigInt(i), prevHash: prev, hash, keyId: null, mac: null });
    prev = hash;
  }
  await db.$transaction(async (tx) => {
    for (const r of out) await tx.$executeRawUnsafe(insertRow(r).sql, ...insertRow(r).values);
    await tx.$executeRawUnsafe(`SELECT setval(pg_get_serial_sequence('"AuditEvent"', 'id'), ${n})`);
  });
}

const append = (n: number, actor = testActor()) => Array.from({ length: n }).reduce<Promise<unknown>>((p, _, i) => p.then(() => change((tx) => appendAudit(tx, actor, { action: "test.attack", targetId: String(i), details: { amount: i } }))), Promise.resolve());

beforeAll(async () => {
  await onBase(`CREATE DATABASE "${NAME}" OWNER "${decodeURIComponent(new URL(BASE_URL).username)}"`);
  const url = new URL(BASE_URL);
  url.pathname = `/${NAME}`;
  execFileSync("node_modules/.bin/prisma", ["migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url.toString() }, stdio: "pipe" });
  // Nothing has read the environment yet: every module below talks to this database.
  process.env.DATABASE_URL = url.toString();
  checkpointFile = path.join(mkdtempSync(path.join(os.tmpdir(), "fleetward-audit-")), "checkpoints.jsonl");
  process.env.FLEETWARD_AUDIT_CHECKPOINT_FILE = checkpointFile;
  delete process.env.FLEETWARD_AUDIT_KEY;
}, 60_000);

afterAll(async () => {
  for (const [name, v] of [["FLEETWARD_MASTER_KEY", KEYS.master], ["FLEETWARD_MASTER_KEY_PREVIOUS", KEYS.previous], ["FLEETWARD_AUDIT_KEY", KEYS.audit]] as const) {
    if (v === undefined) delete process.env[name];
    else process.env[name] = v;
  }
  await disconnectDb();
  await onBase(`DROP DATABASE IF EXISTS "${NAME}" WITH (FORCE)`);
});

describe("a chain written before events were MACed", () => {
  it("verifies by its old rule, then is anchored once (audited) by the first event written, and keeps verifying", async () => {
    await writeLegacyChain(10);
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checked: 10, keyedFrom: null, checkpoint: null });
    await append(3);
    const anchors = await db.auditEvent.findMany({ where: { action: "audit.reanchor" } });
    expect(anchors).toHaveLength(1);
    expect(anchors[0]).toMatchObject({ id: BigInt(11), actorLabel: "audit chain", keyId: expect.stringMatching(/^master:[0-9a-f]{8}$/), mac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(anchors[0]!.details).toMatchObject({ legacyEvents: 10, legacyHeadId: "10", keyId: anchors[0]!.keyId });
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checked: 14, firstBroken: null, keyedFrom: "11" });
  });

  it("an old event rewritten and the old chain rehashed (its rule is public) breaks at the anchor, whose MAC sealed it", async () => {
    const before = await rows();
    const forged = before.slice(0, 10).map((r) => ({ ...r }));
    forged[3]!.actorLabel = "mallory@example.com";
    let prev = GENESIS_HASH;
    for (const r of forged) [r.prevHash, r.hash, prev] = [prev, legacyEventHash(prev, r), legacyEventHash(prev, r)];
    const anchor = { ...before[10]!, prevHash: prev };
    anchor.hash = eventHash(prev, { ...anchor, id: "11", keyId: anchor.keyId! });
    await asSuperuser([{ sql: `DELETE FROM "AuditEvent" WHERE "id" <= 11` }, ...[...forged, anchor].map(insertRow)]);
    try {
      expect(await verifyAuditChain()).toMatchObject({ ok: false, firstBroken: "11", broken: { id: "11", why: expect.stringContaining("its MAC does not verify") } });
    } finally {
      await restore(before);
    }
  });
});

describe("the keyed chain against someone who holds the database", () => {
  let before: TRow[];
  beforeAll(async () => {
    await append(12);
    expect((await writeAuditCheckpoint()).written).toMatchObject({ headId: "26", count: 26 });
    before = await rows();
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checked: 26, checkpoint: { headId: "26", count: 26 } });
  });

  it("(a) an event edited and every later hash recomputed is named: its MAC no longer verifies", async () => {
    const victim = before[17]!;
    const forged = before.slice(17).map((r) => ({ ...r }));
    forged[0]!.details = { amount: 1_000_000 };
    let prev = before[16]!.hash;
    for (const r of forged) {
      r.prevHash = prev;
      r.hash = eventHash(prev, { ...r, id: r.id.toString(), keyId: r.keyId! });
      prev = r.hash;
    }
    await asSuperuser(forged.map((r) => ({ sql: `UPDATE "AuditEvent" SET "details" = $2::jsonb, "prevHash" = $3, "hash" = $4 WHERE "id" = $1`, values: [r.id, JSON.stringify(r.details), r.prevHash, r.hash] })));
    try {
      const r = await verifyAuditChain();
      expect(r).toMatchObject({ ok: false, checked: 18, firstBroken: victim.id.toString(), broken: { id: victim.id.toString(), why: expect.stringMatching(/^its MAC does not verify under audit key master:[0-9a-f]{8}: it was rewritten and rehashed by someone without the key$/) } });
    } finally {
      await restore(before);
    }
  });

  it("(a') an event stripped of its MAC and rehashed by the old rule is named", async () => {
    const victim = before.at(-1)!;
    const hash = legacyEventHash(victim.prevHash, victim);
    await asSuperuser([{ sql: `UPDATE "AuditEvent" SET "keyId" = NULL, "mac" = NULL, "hash" = $2 WHERE "id" = $1`, values: [victim.id, hash] }]);
    try {
      expect(await verifyAuditChain()).toMatchObject({ ok: false, firstBroken: victim.id.toString(), broken: { why: expect.stringContaining("has no MAC, yet every event from #11 on is MACed") } });
    } finally {
      await restore(before);
    }
  });

  it("(b) the newest events deleted are a missing tail against the checkpoint, which is not written over", async () => {
    await asSuperuser([{ sql: `DELETE FROM "AuditEvent" WHERE "id" >= $1`, values: [before.at(-2)!.id] }]);
    try {
      expect(await verifyAuditChain()).toMatchObject({
        ok: false,
        checked: 24,
        firstBroken: null,
        broken: null,
        missingTail: { headId: "24", count: 24, checkpointHeadId: "26", checkpointCount: 26, missing: 2 },
        checkpoint: { headId: "26", count: 26 },
      });
      expect(await writeAuditCheckpoint()).toMatchObject({ written: null, reason: "behind" });
      // The application appends on: the chain grows past the checkpoint's place, without its head.
      await append(3);
      expect(await verifyAuditChain()).toMatchObject({ ok: false, firstBroken: "27", broken: { why: expect.stringContaining("the head the checkpoint of") } });
      expect(await writeAuditCheckpoint()).toMatchObject({ written: null, reason: "rewritten" });
    } finally {
      await restore(before);
    }
  });

  it("(c) a __proto__ key added to details without rehashing is named, while the API and the export would serve it", async () => {
    const victim = before[19]!;
    await asSuperuser([{ sql: `UPDATE "AuditEvent" SET "details" = "details" || '{"__proto__": {"isAdmin": true}}'::jsonb WHERE "id" = $1`, values: [victim.id] }]);
    try {
      const served = (await findAuditEvents({ limit: 50 })).items.find((e) => e.id === victim.id.toString())!;
      expect(JSON.stringify(served.details)).toContain('"__proto__":{"isAdmin":true}');
      const exported = await (await exportAuditEvents({ actor: testActor(), query: { format: "jsonl", target: victim.targetId! } })).text();
      expect(exported).toContain('"__proto__":{"isAdmin":true}');
      const r = await verifyAuditChain();
      expect(r).toMatchObject({ ok: false, firstBroken: victim.id.toString(), broken: { why: expect.stringContaining("$.details.__proto__ is a __proto__ key") } });
    } finally {
      await restore(before);
    }
  });

  it("(c') a number Postgres keeps but JSON cannot (1e400 reads as Infinity) is named", async () => {
    const victim = before[20]!;
    await asSuperuser([{ sql: `UPDATE "AuditEvent" SET "details" = '{"amount": 1e400}'::jsonb WHERE "id" = $1`, values: [victim.id] }]);
    try {
      expect(await verifyAuditChain()).toMatchObject({ ok: false, firstBroken: victim.id.toString(), broken: { why: expect.stringContaining("$.details.amount is Infinity") } });
    } finally {
      await restore(before);
    }
  });

  it("a forged checkpoint line is passed over, not trusted", async () => {
    const lines = readFileSync(checkpointFile, "utf8").trimEnd().split("\n");
    const last = JSON.parse(lines.at(-1)!) as { headId: string; count: number };
    await import("node:fs/promises").then((fs) => fs.appendFile(checkpointFile, `${JSON.stringify({ ...last, headId: "999", count: 999 })}\n`));
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checkpoint: { headId: "26" }, checkpointsSkipped: { forged: 1 } });
  });
});

describe("checkpoints outside the database", () => {
  it("go to webhook targets that take audit.checkpoint too, and only when the chain has grown", async () => {
    await createWebhook({ actor: testActor(), input: { name: `cp-${unique()}`, url: "https://hooks.example.com/audit", events: ["audit.checkpoint"] } });
    const r = await writeAuditCheckpoint();
    expect(r).toMatchObject({ written: { count: 27 }, webhooks: 1 });
    const delivery = await db.webhookDelivery.findFirstOrThrow({ where: { event: "audit.checkpoint" } });
    expect((delivery.payload as { data: unknown }).data).toEqual(r.written);
    expect(await writeAuditCheckpoint()).toMatchObject({ written: null, reason: "unchanged" });
    await append(2);
    expect(await writeAuditCheckpoint({ minEvents: 100, maxAgeMs: 60_000 })).toMatchObject({ written: null, reason: "not due" });
    expect(await writeAuditCheckpoint({ minEvents: 2 })).toMatchObject({ written: { count: 29 } });
  });

  it("a checkpoint file that cannot be read is said, not taken for none", async () => {
    process.env.FLEETWARD_AUDIT_CHECKPOINT_FILE = path.dirname(checkpointFile); // a directory
    try {
      await expect(verifyAuditChain()).rejects.toMatchObject({ code: "UNAVAILABLE", message: expect.stringContaining("cannot be read (EISDIR)") });
      await expect(writeAuditCheckpoint()).rejects.toMatchObject({ code: "UNAVAILABLE" });
    } finally {
      process.env.FLEETWARD_AUDIT_CHECKPOINT_FILE = checkpointFile;
    }
  });

  it("survive a master key rotation: once the old key is gone, old events are vouched for by later ones", async () => {
    const K0 = process.env.FLEETWARD_MASTER_KEY!;
    const K1 = randomBytes(32).toString("base64");
    process.env.FLEETWARD_MASTER_KEY = K1;
    process.env.FLEETWARD_MASTER_KEY_PREVIOUS = K0;
    await rotateMasterKey({ actor: testActor(), newKey: parseMasterKey(K1, "test") });
    const k1Id = `master:${parseMasterKey(K1, "test").id}`;
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: "system.master_key_rotate" } })).toMatchObject({ keyId: k1Id });
    expect(await verifyAuditChain()).toMatchObject({ ok: true, keyId: k1Id });

    delete process.env.FLEETWARD_MASTER_KEY_PREVIOUS;
    // The checkpoints so far are under the old key: passed over until one is written under the new key.
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checkpoint: null, checkpointsSkipped: { unheld: expect.any(Number) } });
    expect((await writeAuditCheckpoint()).written).toMatchObject({ keyId: k1Id, count: 30 });
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checked: 30, checkpoint: { keyId: k1Id, count: 30 } });

    // A dedicated audit key from now on: events under it, the master-derived ones still checked.
    process.env.FLEETWARD_AUDIT_KEY = randomBytes(32).toString("base64");
    await append(1);
    const newest = await db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(newest.keyId).toMatch(/^audit:[0-9a-f]{8}$/);
    expect(await verifyAuditChain()).toMatchObject({ ok: true, checked: 31, keyId: newest.keyId });
  });
});
