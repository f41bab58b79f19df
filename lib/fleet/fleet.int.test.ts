import path from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { deleteDevice } from "@/lib/server/services/devices/delete-device";
import { reconcileBroker } from "@/lib/server/services/brokers/reconcile-broker";
import { getBroker } from "@/lib/server/services/brokers/find-brokers";
import { diffBrokerState } from "@/lib/server/services/brokers/diff-broker-state";
import { testActor, unique } from "@/lib/server/testing/fixtures";
import { startBroker, stopPids, type TLocalBroker } from "./local-fleet";
import { connectDevice, eventually, mosquittoPub } from "./testing/test-fleet";
import { fleetSuite } from "./testing/fleet-suite";
import { readFileSync, writeFileSync } from "node:fs";
import { AGENT_TOPICS } from "@/lib/domain/agent-command";
import { connectAdmin } from "./admin-channel";
import type { ConnectionOptions } from "node:tls";
import { PROBE_PSK_IDENTITY } from "@/lib/domain/broker-files";
import { probeBrokerTls } from "@/lib/server/services/brokers/probe-broker-tls";
import { probePskKey } from "@/lib/server/services/fleet/fleet-keys";

const actor = testActor();

const suite = fleetSuite(3);

const caFile = (b: TLocalBroker) => path.join(b.dir, "pki/ca.crt");

/** Every broker of this fleet has applied at least `revision`. */
async function allApplied(revision: bigint, brokers = suite.fleet.brokers) {
  await eventually(async () => {
    const rows = await db.broker.findMany({ where: { name: { in: brokers.map((b) => b.name) } } });
    return rows.length === brokers.length && rows.every((r) => r.appliedRevision >= revision);
  }, `revision ${revision} on ${brokers.map((b) => b.name).join(", ")}`, LOADED_MS);
}

/** The suite's worker stopped while `fn` runs: a broker's files edited by hand stay so until it goes on. */
async function withWorkerFrozen(fn: () => Promise<void>) {
  process.kill(suite.worker.process.pid!, "SIGSTOP");
  try {
    await fn();
  } finally {
    process.kill(suite.worker.process.pid!, "SIGCONT");
  }
}

/**
 * What an event here (a sync, a heartbeat, a snapshot) may take on a machine whose cores are busy: each wait below ends
 * as soon as its event comes, so only a failing run waits this long.
 */
const LOADED_MS = 90_000;

const currentRevision = async () => (await db.fleetState.findUniqueOrThrow({ where: { id: 1 } })).revision;

describe("a real 3-broker fleet", () => {
  it("lets a new password device connect on every broker (mosquitto_pub and mqtt.js), and cuts it off when deleted", async () => {
    const clientId = `dev-${unique()}`;
    const { device, secret } = await createDevice({ actor, input: { clientId, tags: [], auth: { type: "password" } } });
    await allApplied(await currentRevision());

    const sessions = [];
    for (const b of suite.fleet.brokers) {
      const pub = mosquittoPub(b.ports.tlsPassword, caFile(b), clientId, secret.password!, `devices/${clientId}/temp`);
      expect(pub.ok, `${b.name}: ${pub.output}`).toBe(true);
      expect(mosquittoPub(b.ports.tlsPassword, caFile(b), clientId, "wrong-password", `devices/${clientId}/temp`).ok).toBe(false);
      const c = await connectDevice(b.ports.tlsPassword, suite.fleet.caPem, { clientId, username: clientId, password: secret.password! });
      // Least privilege: its own subtree only.
      await expect(c.publishAsync(`devices/${clientId}/t`, "1", { qos: 1 })).resolves.toBeDefined();
      await expect(c.publishAsync("devices/someone-else/t", "1", { qos: 1 })).rejects.toMatchObject({ code: 135 });
      sessions.push(c);
    }

    // The agent's retained snapshot of connected clients, built from the broker's own log lines.
    const b0 = suite.fleet.brokers[0]!;
    const file = (f: string) => readFileSync(path.join(suite.fleet.dir, "admin", f), "utf8");
    const watcher = await connectAdmin({ name: b0.name, host: "127.0.0.1", adminPort: b0.ports.admin, caPem: file("ca.crt"), adminCertPem: file("admin.crt"), adminKeyPem: file("admin.key") });
    const snapshots: { clients: { clientId: string; username: string; ip: string; protocol: string; keepalive: number }[] }[] = [];
    watcher.on("message", (_t, p) => snapshots.push(JSON.parse(p.toString())));
    await watcher.subscribeAsync(AGENT_TOPICS.clients(b0.name));
    const seen = await eventually(() => snapshots.at(-1)?.clients.find((c) => c.clientId === clientId), "the client in the agent's snapshot", LOADED_MS);
    expect(seen).toMatchObject({ username: clientId, ip: "127.0.0.1", protocol: "MQTT 5", keepalive: 60 });
    await watcher.endAsync();

    const closed = sessions.map((c) => new Promise<void>((r) => c.once("close", () => r())));
    await deleteDevice({ actor, id: device.id });
    await Promise.all(closed); // the open sessions are closed by the brokers
    for (const b of suite.fleet.brokers) {
      await expect(connectDevice(b.ports.tlsPassword, suite.fleet.caPem, { clientId, username: clientId, password: secret.password! })).rejects.toThrow(/Not authorized|Bad User Name or Password/i);
      expect(mosquittoPub(b.ports.tlsPassword, caFile(b), clientId, secret.password!, `devices/${clientId}/t`).ok).toBe(false);
    }
  }, 300_000);

  it("brings a broker that was down during changes up to date, in order, with nothing lost", async () => {
    const down = suite.fleet.brokers[2]!;
    await stopPids([down.brokerPid]);
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createDevice({ actor, input: { clientId: `late-${i}-${unique()}`, tags: [], auth: { type: "password" } } }));
    await deleteDevice({ actor, id: made[0]!.device.id });
    const revision = await currentRevision();
    await allApplied(revision, suite.fleet.brokers.slice(0, 2));
    expect((await db.broker.findUniqueOrThrow({ where: { name: down.name } })).appliedRevision).toBeLessThan(revision);

    down.brokerPid = await startBroker(down.dir, down.ports);
    await allApplied(revision, [down]);
    expect(mosquittoPub(down.ports.tlsPassword, caFile(down), made[0]!.device.clientId, made[0]!.secret.password!, "devices/x/y").ok).toBe(false);
    for (const m of made.slice(1)) {
      const pub = mosquittoPub(down.ports.tlsPassword, caFile(down), m.device.clientId, m.secret.password!, `devices/${m.device.clientId}/t`);
      expect(pub.ok, pub.output).toBe(true);
    }
  }, 300_000);

  it("names what a wiped broker lacks, and restores it by itself once its heartbeat shows the drift", async () => {
    const b = suite.fleet.brokers[1]!;
    const { device, secret } = await createDevice({ actor, input: { clientId: `wipe-${unique()}`, tags: [], auth: { type: "password" } } });
    await allApplied(await currentRevision());
    // The worker is frozen while the drift is looked at; it would otherwise repair it within a heartbeat.
    const since = suite.worker.log().length;
    await withWorkerFrozen(async () => {
      writeFileSync(path.join(b.dir, "managed/passwd"), "");
      process.kill(b.brokerPid, "SIGHUP");
      await eventually(() => !mosquittoPub(b.ports.tlsPassword, caFile(b), device.clientId, secret.password!, "devices/x").ok, "the wiped broker to refuse", LOADED_MS);
      const row = await db.broker.findUniqueOrThrow({ where: { name: b.name } });
      const diff = await diffBrokerState(row.id);
      expect(diff.files.map((f) => f.file)).toEqual(["passwd"]);
      expect(diff.files[0]!.missing.map((l) => l.split(" ")[0])).toContain(device.clientId);
      expect(JSON.stringify(diff)).not.toContain("$7$");
    });
    const row = await db.broker.findUniqueOrThrow({ where: { name: b.name } });
    // Woken, the worker repairs it on the heartbeat that shows the drift, unless its once-a-minute reconcile, due while
    // it was frozen, got there first: either way it needs no one. A machine whose cores are busy may leave it to the
    // next reconcile, a minute on, plus a sync that then takes seconds: the wait allows for that.
    const repairedBy = () => /heartbeat: files differ from those sent|periodic reconcile/.exec(suite.worker.log().slice(since))?.[0];
    await eventually(async () => (await getBroker(row.id)).syncState === "in_sync" && repairedBy(), "the broker to be restored", 2 * LOADED_MS);
    expect(mosquittoPub(b.ports.tlsPassword, caFile(b), device.clientId, secret.password!, `devices/${device.clientId}/t`).ok).toBe(true);
    // Reconciling by hand still works (and finds nothing to change).
    await reconcileBroker({ actor, id: row.id });
    await eventually(async () => (await getBroker(row.id)).syncState === "in_sync", "the reconcile", LOADED_MS);
  }, 300_000);

  it("probes every listener's TLS, the PSK one with Fleetward's probe identity, which may use no topic", async () => {
    const b = suite.fleet.brokers[0]!;
    const row = await db.broker.findUniqueOrThrow({ where: { name: b.name } });
    const { listeners } = await probeBrokerTls(row.id);
    expect(listeners.map((l) => l.listener)).toEqual(["admin", "tlsPassword", "mtls", "psk", "wss", "live"]);
    for (const { listener, posture } of listeners) {
      expect(posture.accepted, `${listener}: ${JSON.stringify(posture.detail)}`).toEqual({ TLSv1: "refused", "TLSv1.1": "refused", "TLSv1.2": "accepted", "TLSv1.3": "accepted" });
    }
    const psk = listeners.find((l) => l.listener === "psk")!.posture;
    expect(psk).toMatchObject({ authentication: "pre-shared key", chain: [], error: null });
    expect(psk.detail["TLSv1.2"]).toMatch(/^TLS_ECDHE_PSK_WITH_/);
    expect(psk.negotiated).toMatchObject({ protocol: "TLSv1.3", keyExchange: expect.stringMatching(/^ECDH .* \+ PSK$/) });

    // Its key is a fleet secret, sealed at rest, and every broker holds it.
    const key = await probePskKey();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect((await db.fleetSecret.findUniqueOrThrow({ where: { name: "probe-psk" } })).sealed).not.toContain(key);
    for (const x of suite.fleet.brokers) expect(readFileSync(path.join(x.dir, "managed/psk"), "utf8")).toContain(`${PROBE_PSK_IDENTITY}:${key}\n`);

    // It connects (it is a valid PSK identity) but may publish nothing and receives nothing, while the admin
    // channel sees a device's message and the broker's log lines that a subscription to # and $SYS/# would match.
    const tlsPsk: Pick<ConnectionOptions, "pskCallback" | "ciphers" | "checkServerIdentity"> = { pskCallback: () => ({ identity: PROBE_PSK_IDENTITY, psk: Buffer.from(key, "hex") }), ciphers: "kECDHEPSK", checkServerIdentity: () => undefined };
    const probe = await connectDevice(b.ports.psk, suite.fleet.caPem, { clientId: PROBE_PSK_IDENTITY, rejectUnauthorized: false, ...tlsPsk });
    const received: string[] = [];
    probe.on("message", (t) => received.push(t));
    await probe.subscribeAsync(["#", "$SYS/#", `devices/${PROBE_PSK_IDENTITY}/#`]);
    await expect(probe.publishAsync(`devices/${PROBE_PSK_IDENTITY}/t`, "1", { qos: 1 })).rejects.toMatchObject({ code: 135 });
    await expect(probe.publishAsync("devices/anyone/t", "1", { qos: 1 })).rejects.toMatchObject({ code: 135 });

    const file = (f: string) => readFileSync(path.join(suite.fleet.dir, "admin", f), "utf8");
    const watcher = await connectAdmin({ name: b.name, host: "127.0.0.1", adminPort: b.ports.admin, caPem: file("ca.crt"), adminCertPem: file("admin.crt"), adminKeyPem: file("admin.key") });
    const seen: string[] = [];
    watcher.on("message", (t) => seen.push(t));
    const clientId = `seen-${unique()}`;
    await watcher.subscribeAsync([`devices/${clientId}/#`, "$SYS/broker/log/N"]);
    const { secret } = await createDevice({ actor, input: { clientId, tags: [], auth: { type: "password" } } });
    await allApplied(await currentRevision());
    expect(mosquittoPub(b.ports.tlsPassword, caFile(b), clientId, secret.password!, `devices/${clientId}/t`).ok).toBe(true);
    await eventually(() => seen.includes(`devices/${clientId}/t`) && seen.includes("$SYS/broker/log/N"), "the admin channel to see the message", LOADED_MS);
    // The broker has routed that message; a publish of the probe's own, answered after it, comes back after anything
    // the broker sent the probe before: once its refusal is in, nothing routed earlier is still on the way.
    await expect(probe.publishAsync("devices/anyone/t", "2", { qos: 1 })).rejects.toMatchObject({ code: 135 });
    expect(received).toEqual([]);
    await watcher.endAsync();
    await probe.endAsync();
  }, 300_000);

  it("says the PSK listener could not be tested, not that it refused, when the broker lacks the probe identity", async () => {
    const b = suite.fleet.brokers[1]!;
    const row = await db.broker.findUniqueOrThrow({ where: { name: b.name } });
    const pskFile = path.join(b.dir, "managed/psk");
    await withWorkerFrozen(async () => {
      writeFileSync(pskFile, readFileSync(pskFile, "utf8").split("\n").filter((l) => !l.startsWith(`${PROBE_PSK_IDENTITY}:`)).join("\n"));
      process.kill(b.brokerPid, "SIGHUP");
      await eventually(async () => (await probeBrokerTls(row.id)).listeners.find((l) => l.listener === "psk")!.posture.error?.includes("Reconcile now"), "the probe identity to be refused", LOADED_MS);
      const psk = (await probeBrokerTls(row.id)).listeners.find((l) => l.listener === "psk")!.posture;
      expect(psk.accepted).toEqual({ TLSv1: "refused", "TLSv1.1": "refused", "TLSv1.2": "untestable", "TLSv1.3": "untestable" });
      expect(psk.detail["TLSv1.2"]).toMatch(/unknown psk identity/);
    });

    await reconcileBroker({ actor, id: row.id });
    await eventually(async () => (await probeBrokerTls(row.id)).listeners.find((l) => l.listener === "psk")!.posture.accepted["TLSv1.3"] === "accepted", "the reconcile to restore the probe identity", LOADED_MS);
  }, 300_000);
});
