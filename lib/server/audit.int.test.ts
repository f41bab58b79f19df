import { afterAll, describe, expect, it } from "vitest";
import { startWalk, walkEvents } from "@/lib/domain/audit-chain";
import { appendAudit } from "./audit";
import { auditKeyRing } from "./audit-key";
import { change } from "./change";
import { db, disconnectDb } from "./db";
import { verifyAuditChain } from "./services/audit/verify-audit-chain";
import { findAuditEvents } from "./services/audit/find-audit-events";
import { testActor, unique } from "./testing/fixtures";

afterAll(() => disconnectDb());

describe("audit chain in Postgres", () => {
  it("stays one unbroken chain under 40 concurrent writers", async () => {
    const actor = testActor();
    await Promise.all(
      // As the services write (change(): the pool's wait is bounded at 10 s, not Prisma's default 2 s, which a loaded machine exceeds).
      Array.from({ length: 40 }, (_, i) => change((tx) => appendAudit(tx, actor, { action: "test.concurrent", details: { i } }))),
    );
    const mine = await db.auditEvent.findMany({ where: { actorLabel: actor.label } });
    expect(mine).toHaveLength(40);
    const all = await db.auditEvent.findMany({ orderBy: { id: "asc" }, select: { prevHash: true } });
    expect(new Set(all.map((e) => e.prevHash)).size).toBe(all.length); // no two events share a parent: no fork
    const result = await verifyAuditChain();
    expect(result).toMatchObject({ ok: true, checked: all.length, firstBroken: null, broken: null, missingTail: null });
  });

  it("rolls the event back with the change it records", async () => {
    const actor = testActor();
    await expect(
      db.$transaction(async (tx) => {
        await appendAudit(tx, actor, { action: "test.rollback" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db.auditEvent.count({ where: { actorLabel: actor.label } })).toBe(0);
  });

  it("refuses UPDATE, DELETE and TRUNCATE at the database", async () => {
    const actor = testActor();
    await db.$transaction((tx) => appendAudit(tx, actor, { action: "test.immutable" }));
    await expect(db.$executeRawUnsafe(`UPDATE "AuditEvent" SET action = 'forged' WHERE "actorLabel" = $1`, actor.label)).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "actorLabel" = $1`, actor.label)).rejects.toThrow(/append-only/);
    await expect(db.$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only/);
    expect(await db.auditEvent.count({ where: { actorLabel: actor.label, action: "test.immutable" } })).toBe(1);
  });

  it("detects an event edited behind the trigger's back (superuser), naming it", async () => {
    const actor = testActor();
    await db.$transaction((tx) => appendAudit(tx, actor, { action: "test.tamper", details: { amount: 1 } }));
    const target = await db.auditEvent.findFirstOrThrow({ where: { actorLabel: actor.label } });
    const sentinel = new Error("rollback");
    // Everything happens in one transaction that is rolled back, so the real chain stays intact for other tests.
    await expect(
      db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER audit_event_no_update_delete`);
        await tx.$executeRawUnsafe(`UPDATE "AuditEvent" SET details = '{"amount": 1000}' WHERE id = $1`, target.id);
        const rows = await tx.auditEvent.findMany({ orderBy: { id: "asc" } });
        const broken = walkEvents(startWalk(auditKeyRing().held, null), rows.map((r) => ({ ...r, id: r.id.toString() })));
        expect(broken).toMatchObject({ id: target.id.toString(), why: expect.stringContaining("does not match its hash") });
        throw sentinel;
      }),
    ).rejects.toBe(sentinel);
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("filters by actor, action and time and pages with a cursor", async () => {
    const actor = testActor(`pager-${unique()}`);
    for (let i = 0; i < 5; i++) await db.$transaction((tx) => appendAudit(tx, actor, { action: "test.page", targetId: String(i) }));
    const first = await findAuditEvents({ actor: actor.label, action: "test.page", limit: 2 });
    expect(first.items.map((e) => e.targetId)).toEqual(["4", "3"]);
    const second = await findAuditEvents({ actor: actor.label, action: "test.page", limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((e) => e.targetId)).toEqual(["2", "1"]);
    const future = await findAuditEvents({ actor: actor.label, from: new Date(Date.now() + 60_000).toISOString(), limit: 10 });
    expect(future.items).toHaveLength(0);
  });

  it("finds events by free text: every word as a prefix, ids that read as numbers, e-mails, IPs, details", async () => {
    const actor = { ...testActor(`searcher-${unique()}@example.com`), ip: "10.20.30.40" };
    const id = `44e2f2ec-${unique()}`;
    await db.$transaction((tx) => appendAudit(tx, actor, { action: "device.disable", targetType: "device", targetId: "t-1", details: { clientId: `pump-${id}`, before: { disabled: false }, after: { disabled: true } } }));
    await db.$transaction((tx) => appendAudit(tx, actor, { action: "device.create", targetType: "device", targetId: "t-1", details: { clientId: `pump-${id}` } }));
    const found = async (q: string, more: object = {}) => (await findAuditEvents({ q, limit: 10, ...more })).items.map((e) => e.action);
    expect(await found(`pump-${id}`)).toEqual(["device.create", "device.disable"]);
    expect(await found(id.slice(0, 8))).toEqual(["device.create", "device.disable"]);
    expect(await found(`${id.slice(0, 8)} DISABLE`)).toEqual(["device.disable"]);
    expect(await found(`${actor.label.slice(0, 12)} 10.20.30`, { action: "device.create" })).toEqual(["device.create"]);
    expect(await found(`${id} nowhere`)).toEqual([]);
    // LIKE wildcards in the other filters are taken literally.
    expect((await findAuditEvents({ actor: "%", action: "device._isable", limit: 10 })).items).toEqual([]);
  });
});
