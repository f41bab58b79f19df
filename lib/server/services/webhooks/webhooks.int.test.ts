import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGNATURE_HEADER, verifyWebhook } from "@/lib/domain/security/webhook-signature";
import { change } from "../../change";
import { db, disconnectDb } from "../../db";
import { testActor, unique } from "../../testing/fixtures";
import { upsertFinding } from "../security/upsert-finding";
import { createWebhook } from "./create-webhook";
import { deleteWebhook } from "./delete-webhook";
import { deliverDueWebhooks } from "./deliver-webhooks";
import { findWebhookDeliveries } from "./find-webhook-deliveries";
import { testWebhook } from "./test-webhook";

// A real receiver on loopback: it checks each request's signature and answers as told.
type TReceived = { event: string; body: { id: string; event: string; data: Record<string, unknown> }; signed: boolean };
const received: TReceived[] = [];
const answers: number[] = [];
const secrets = new Map<string, string>();
let server: http.Server;
let base = "";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c));
    req.on("end", () => {
      const secret = secrets.get(req.url!) ?? "";
      const signed = verifyWebhook(secret, String(req.headers[SIGNATURE_HEADER] ?? ""), raw, Math.floor(Date.now() / 1000));
      received.push({ event: String(req.headers["x-fleetward-event"]), body: JSON.parse(raw), signed });
      res.writeHead(answers.shift() ?? 204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.close();
  await disconnectDb();
});

async function target(events: ("finding.high" | "certificate.expiring")[]) {
  const path = `/hook-${unique()}`;
  const { webhook, secret } = await createWebhook({ actor: testActor(), input: { name: `t-${unique()}`, url: `${base}${path}`, events } });
  secrets.set(path, secret);
  return webhook;
}

/** Deliveries due now, as the worker's dispatcher sends them, until none of this test's target is pending. */
async function deliver(id: string) {
  for (let i = 0; i < 20 && (await db.webhookDelivery.count({ where: { targetId: id, status: "pending", nextAttemptAt: { lte: new Date() } } })) > 0; i++) await deliverDueWebhooks();
}

describe("webhook notifications", () => {
  it("announces a new high-severity finding once, signed; a low one or a refresh is not announced", async () => {
    const hook = await target(["finding.high"]);
    const subject = `203.0.113.${Math.floor(Math.random() * 250)}-${unique()}`;
    const f = { rule: "brute-force", subject, severity: "high" as const, title: "Brute force from one address", detail: "d", evidence: { failures: 30 } };
    await change((tx) => upsertFinding(tx, f, new Date(), true));
    await change((tx) => upsertFinding(tx, f, new Date(), true)); // the same finding again: no second notice
    await change((tx) => upsertFinding(tx, { ...f, rule: "new-network", severity: "low" }, new Date(), false));
    await deliver(hook.id);
    const mine = received.filter((r) => (r.body.data.finding as { subject?: string } | undefined)?.subject === subject);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ event: "finding.high", signed: true, body: { event: "finding.high", data: { finding: { rule: "brute-force", severity: "high" } } } });
    const [d] = (await findWebhookDeliveries(hook.id)).items;
    expect(d).toMatchObject({ status: "delivered", attempts: 1, lastStatus: 204 });
    const stored = await db.webhookTarget.findUniqueOrThrow({ where: { id: hook.id } });
    expect(stored.secretSealed).toMatch(/^v2:[0-9a-f]{8}:/);
    expect(stored.secretSealed).not.toContain(secrets.get(new URL(hook.url).pathname)!);
  });

  it("retries a failed delivery with back-off until the receiver takes it, and gives up after the last attempt", async () => {
    const hook = await target(["certificate.expiring"]);
    answers.push(500, 503);
    const d = await testWebhook({ actor: testActor(), id: hook.id });
    expect(d).toMatchObject({ event: "ping", status: "pending", attempts: 0 });
    await deliverDueWebhooks();
    let row = await db.webhookDelivery.findUniqueOrThrow({ where: { id: d.id } });
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastStatus: 500, lastError: "HTTP 500" });
    expect(row.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(5_000); // backing off: not due yet
    await deliverDueWebhooks();
    expect((await db.webhookDelivery.findUniqueOrThrow({ where: { id: d.id } })).attempts).toBe(1);
    // Time passes (the back-off is over) twice: 503, then taken.
    for (let i = 0; i < 2; i++) {
      await db.webhookDelivery.update({ where: { id: d.id }, data: { nextAttemptAt: new Date() } });
      await deliver(hook.id);
    }
    row = await db.webhookDelivery.findUniqueOrThrow({ where: { id: d.id } });
    expect(row).toMatchObject({ status: "delivered", attempts: 3, lastStatus: 204, lastError: null });
    expect(received.filter((r) => r.body.id === d.id).every((r) => r.signed)).toBe(true);

    // A receiver that is gone: refused connections, until the last attempt fails it for good.
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const gone = await createWebhook({ actor: testActor(), input: { name: `gone-${unique()}`, url: `http://127.0.0.1:${port}/none`, events: ["finding.high"] } });
    const g = await testWebhook({ actor: testActor(), id: gone.webhook.id });
    for (let i = 0; i < 6; i++) {
      await db.webhookDelivery.update({ where: { id: g.id }, data: { nextAttemptAt: new Date() } });
      await deliver(gone.webhook.id);
    }
    expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: g.id } })).toMatchObject({ status: "failed", attempts: 6, lastStatus: null, lastError: "ECONNREFUSED" });
    await deleteWebhook({ actor: testActor(), id: gone.webhook.id });
    expect(await db.webhookDelivery.count({ where: { id: g.id } })).toBe(0);
    const actions = (await db.auditEvent.findMany({ where: { targetId: gone.webhook.id } })).map((a) => a.action).sort();
    expect(actions).toEqual(["webhook.create", "webhook.delete", "webhook.test"]);
  });
});
