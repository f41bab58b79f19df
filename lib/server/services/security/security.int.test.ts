import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../../db";
import { createDevice } from "../devices/create-device";
import { updateDevice } from "../devices/update-device";
import { testActor, unique } from "../../testing/fixtures";
import { ingestSecurityEvents, type TAgentEvent } from "./ingest-security-events";
import { purgeSecurityEvents, SECURITY_EVENT_DAYS } from "./purge-security-events";
import { runPostureChecks } from "./run-posture-checks";

afterAll(() => disconnectDb());

const actor = testActor();
let seq = 0;
const ev = (e: Omit<TAgentEvent, "at" | "seq">, at = Date.now()): TAgentEvent => ({ ...e, at, seq: ++seq });
const open = (rule: string, subject: string) => db.securityFinding.findFirst({ where: { rule, subject, resolvedAt: null } });
const net = () => `10.${Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 200)}`;

describe("security events and the detection rules", () => {
  it("stores each event once, however many listeners pass it on", async () => {
    const broker = `b-${unique()}`;
    const events = [ev({ kind: "connect", clientId: "x", ip: "10.0.0.1" }), ev({ kind: "refused", clientId: null, ip: "10.0.0.2", reason: "not authorised" }), ev({ kind: "heartbeat" })];
    expect((await ingestSecurityEvents(broker, events)).stored).toBe(2);
    expect((await ingestSecurityEvents(broker, events)).stored).toBe(0);
    expect(await db.securityEvent.count({ where: { broker } })).toBe(2);
    // An agent connecting under a device's client id is a kick, not the device.
    await ingestSecurityEvents(broker, [ev({ kind: "connect", clientId: "x", username: "fleetward-agent-b", ip: "127.0.0.1" })]);
    expect(await db.securityEvent.findFirst({ where: { broker, username: "fleetward-agent-b" } })).toMatchObject({ kind: "kick", clientId: "x" });
    // Far-off times are not believed.
    expect((await ingestSecurityEvents(broker, [ev({ kind: "connect", clientId: "y", ip: "10.0.0.1" }, Date.now() - 3 * 86_400_000)])).stored).toBe(0);
  });

  it("raises brute force at the threshold and counts it again while open; credential stuffing when the address logs in as many ids", async () => {
    const ip = `${net()}.7`;
    const failures = Array.from({ length: 19 }, () => ev({ kind: "refused", clientId: null, ip, reason: "not authorised" }));
    await ingestSecurityEvents("b1", failures);
    expect(await open("brute-force", ip)).toBeNull();
    await ingestSecurityEvents("b1", [ev({ kind: "refused", clientId: null, ip, reason: "not authorised" })]);
    expect(await open("brute-force", ip)).toMatchObject({ severity: "high", count: 1 });
    await ingestSecurityEvents("b1", [ev({ kind: "refused", clientId: null, ip, reason: "not authorised" })]);
    expect((await open("brute-force", ip))!.count).toBe(2);
    expect(await db.auditEvent.count({ where: { action: "security.finding_raised", details: { path: ["subject"], equals: ip } } })).toBe(1);
    // Fleetward's own connections from the same address (admin channel, agents, live views) are not counted.
    await ingestSecurityEvents("b1", [
      ...Array.from({ length: 6 }, (_, i) => ev({ kind: "connect", clientId: `fleetward-${i}${unique()}`, username: "fleetward-admin", ip })),
      ...Array.from({ length: 3 }, (_, i) => ev({ kind: "connect", clientId: `_live-${i}${unique()}`, username: `_live-${i}`, ip })),
      ...Array.from({ length: 9 }, (_, i) => ev({ kind: "connect", clientId: `stuffed-${i}-${unique()}`, ip })),
    ]);
    expect(await open("credential-stuffing", ip)).toBeNull();
    await ingestSecurityEvents("b1", [ev({ kind: "connect", clientId: `stuffed-9-${unique()}`, ip })]);
    expect(await open("credential-stuffing", ip)).toMatchObject({ severity: "high", evidence: expect.objectContaining({ clientIds: expect.not.arrayContaining([null]) }) });
  });

  it("names a client id taken over again and again, a disabled device that still tries, and a device on a new network", async () => {
    const taken = `twin-${unique()}`;
    await ingestSecurityEvents("b1", Array.from({ length: 3 }, () => ev({ kind: "disconnect", clientId: taken, reason: "taken over by a new connection with the same client id" })));
    expect(await open("client-id-collision", taken)).toMatchObject({ severity: "medium" });

    const { device } = await createDevice({ actor, input: { clientId: `gone-${unique()}`, tags: [], auth: { type: "password" } } });
    await updateDevice({ actor, id: device.id, input: { disabled: true } });
    await ingestSecurityEvents("b1", [ev({ kind: "refused", clientId: device.clientId, ip: "10.0.0.3", reason: "not authorised" })]);
    expect(await open("revoked-still-trying", device.clientId)).toMatchObject({ severity: "high" });

    // A handshake refused for its certificate is a finding; one refused for its protocol version (a client offering
    // TLS 1.0, as the posture checks' probe does) is stored, not a finding.
    const scanner = `${net()}.7`;
    const old = `${net()}.8`;
    await ingestSecurityEvents("b1", [ev({ kind: "refused", clientId: null, ip: scanner, reason: "TLS handshake failed: certificate verify failed", tls: true })]);
    await ingestSecurityEvents("b1", [ev({ kind: "refused", clientId: null, ip: old, reason: "TLS handshake failed: unsupported protocol", tls: true })]);
    expect(await open("tls-refused", scanner)).toMatchObject({ severity: "medium" });
    expect(await open("tls-refused", old)).toBeNull();
    expect(await db.securityEvent.count({ where: { ip: old, kind: "tls_failed" } })).toBe(1);

    const { device: mover } = await createDevice({ actor, input: { clientId: `mover-${unique()}`, tags: [], auth: { type: "password" } } });
    const home = net();
    await ingestSecurityEvents("b1", [ev({ kind: "connect", clientId: mover.clientId, ip: `${home}.10` })]);
    await ingestSecurityEvents("b1", [ev({ kind: "connect", clientId: mover.clientId, ip: `${home}.99` })]);
    expect(await open("new-network", mover.clientId)).toBeNull(); // the same /24
    await ingestSecurityEvents("b1", [ev({ kind: "connect", clientId: mover.clientId, ip: "172.31.9.9" })]);
    expect(await open("new-network", mover.clientId)).toMatchObject({ severity: "low", evidence: expect.objectContaining({ network: "172.31.9.0/24" }) });
  });

  it("posture checks open a finding for a certificate about to expire, and resolve it once renewed", async () => {
    const { device } = await createDevice({ actor, input: { clientId: `expiring-${unique()}`, tags: [], auth: { type: "x509" } } });
    const cert = await db.certificate.findFirstOrThrow({ where: { deviceId: device.id } });
    const notAfter = cert.notAfter;
    await db.certificate.update({ where: { id: cert.id }, data: { notAfter: new Date(Date.now() + 5 * 86_400_000) } });
    const first = await runPostureChecks(actor);
    expect(first.raised).toBeGreaterThanOrEqual(1);
    expect(await open("certificate-expiring", cert.serial)).toMatchObject({ severity: "high", title: "Device certificate expiring" });
    expect((await runPostureChecks(actor)).raised).toBe(0); // still open, refreshed, not raised again
    await db.certificate.update({ where: { id: cert.id }, data: { notAfter } });
    expect((await runPostureChecks(actor)).resolved).toBeGreaterThanOrEqual(1);
    expect(await open("certificate-expiring", cert.serial)).toBeNull();
    expect(await db.securityFinding.findFirst({ where: { rule: "certificate-expiring", subject: cert.serial } })).toMatchObject({ resolvedBy: "posture check" });
    expect(await db.auditEvent.count({ where: { action: "security.posture_run" } })).toBeGreaterThanOrEqual(3);
  });

  it("keeps security events for 90 days, then removes them (audited)", async () => {
    const broker = `old-${unique()}`;
    const day = 86_400_000;
    await db.securityEvent.createMany({ data: [
      { at: new Date(Date.now() - (SECURITY_EVENT_DAYS + 1) * day), broker, seq: 1, kind: "connect", clientId: "a", ip: "10.0.0.1" },
      { at: new Date(Date.now() - (SECURITY_EVENT_DAYS - 1) * day), broker, seq: 2, kind: "connect", clientId: "a", ip: "10.0.0.1" },
    ] });
    expect(await purgeSecurityEvents()).toBeGreaterThanOrEqual(1);
    expect((await db.securityEvent.findMany({ where: { broker } })).map((e) => e.seq)).toEqual([2]);
    expect(await db.auditEvent.findFirst({ where: { action: "security.events_purged" }, orderBy: { id: "desc" } })).toMatchObject({ actorLabel: "janitor" });
  });
});
