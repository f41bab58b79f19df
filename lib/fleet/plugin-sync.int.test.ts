// A fleet whose brokers enforce with Fleetward's plugin, synced by the worker: each change reaches every broker as
// the ops it implies (one client upsert for a device, one role upsert for a role edit), a revoked certificate is cut
// off, and a broker whose plugin state is wiped gets its whole state back from the periodic reconcile.
import { rmSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { saveRole } from "@/lib/server/services/acl/save-role";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { revokeDevice } from "@/lib/server/services/devices/revoke-device";
import { testActor, unique } from "@/lib/server/testing/fixtures";
import { startBroker, stopPids, type TLocalBroker } from "./local-fleet";
import { fleetSuite } from "./testing/fleet-suite";
import { connectDevice, eventually, mosquittoPub } from "./testing/test-fleet";

const actor = testActor();
const suite = fleetSuite(2, { enforcement: "plugin" });
const LOADED_MS = 60_000;
const caFile = (b: TLocalBroker) => path.join(b.dir, "pki/ca.crt");
const currentRevision = async () => (await db.fleetState.findUniqueOrThrow({ where: { id: 1 } })).revision;

/** Whether the broker takes a QoS 1 publish of this device on this topic (mosquitto_pub exits 0 either way). */
async function publishes(b: TLocalBroker, clientId: string, password: string, topic: string): Promise<boolean> {
  const c = await connectDevice(b.ports.tlsPassword, suite.fleet.caPem, { clientId, username: clientId, password });
  try {
    return await c.publishAsync(topic, "x", { qos: 1 }).then(() => true, (e: { code?: number }) => (e.code === 135 ? false : Promise.reject(e)));
  } finally {
    await c.endAsync(true);
  }
}

async function allApplied(revision: bigint) {
  await eventually(async () => {
    const rows = await db.broker.findMany({ where: { name: { in: suite.fleet.brokers.map((b) => b.name) } } });
    return rows.length === suite.fleet.brokers.length && rows.every((r) => r.appliedRevision >= revision && r.pluginDigest && !r.lastError);
  }, `revision ${revision} on every plugin broker`, LOADED_MS);
}

describe("a fleet enforcing with the broker plugin", () => {
  it("is registered as such, and a device created is sent as itself, not the state, and every broker enforces it", async () => {
    const rows = await db.broker.findMany({ where: { name: { in: suite.fleet.brokers.map((b) => b.name) } } });
    expect(rows.map((r) => r.enforcement)).toEqual(suite.fleet.brokers.map(() => "PLUGIN"));
    const clientId = `pl-${unique()}`;
    const { secret } = await createDevice({ actor, input: { clientId, tags: [], auth: { type: "password" } } });
    const revision = await currentRevision();
    expect((await db.fleetChange.findUniqueOrThrow({ where: { revision } })).changes).toEqual([{ kind: "device", clientId }]);
    await allApplied(revision);
    for (const b of suite.fleet.brokers) {
      expect(mosquittoPub(b.ports.tlsPassword, caFile(b), clientId, secret.password!, `devices/${clientId}/t`).ok, b.name).toBe(true);
      expect(mosquittoPub(b.ports.tlsPassword, caFile(b), clientId, "wrong-password", `devices/${clientId}/t`).ok).toBe(false);
      expect(await publishes(b, clientId, secret.password!, "devices/someone-else/t")).toBe(false);
    }
  }, 120_000);

  it("enforces a role edit as one role upsert, with its templates read by the plugin", async () => {
    const rolename = `pl-role-${unique()}`;
    await saveRole({ actor, input: { name: rolename, description: "", forNewDevices: false, acls: [{ acltype: "publishClientSend", topic: "plant/${clientId}/a", allow: true, priority: 0 }] } });
    const clientId = `plr-${unique()}`;
    const { secret } = await createDevice({ actor, input: { clientId, tags: [], auth: { type: "password" }, roles: [{ rolename, priority: 0 }] } });
    await allApplied(await currentRevision());
    const b = suite.fleet.brokers[0]!;
    expect(await publishes(b, clientId, secret.password!, `plant/${clientId}/a`)).toBe(true);
    expect(await publishes(b, clientId, secret.password!, `plant/${clientId}/b`)).toBe(false);
    await saveRole({ actor, previousName: rolename, input: { name: rolename, description: "", forNewDevices: false, acls: [{ acltype: "publishClientSend", topic: "plant/${clientId}/b", allow: true, priority: 0 }] } });
    const revision = await currentRevision();
    expect((await db.fleetChange.findUniqueOrThrow({ where: { revision } })).changes).toEqual([{ kind: "role", name: rolename }]);
    await allApplied(revision);
    for (const x of suite.fleet.brokers) {
      expect(await publishes(x, clientId, secret.password!, `plant/${clientId}/b`), x.name).toBe(true);
      expect(await publishes(x, clientId, secret.password!, `plant/${clientId}/a`), x.name).toBe(false);
    }
  }, 120_000);

  it("cuts off a certificate device when it is revoked: its session closes and its login is refused", async () => {
    const clientId = `plc-${unique()}`;
    const { device, secret } = await createDevice({ actor, input: { clientId, tags: [], auth: { type: "x509" } } });
    await allApplied(await currentRevision());
    const b = suite.fleet.brokers[1]!;
    const tls = { cert: secret.certPem!, key: secret.keyPem! };
    const session = await connectDevice(b.ports.mtls, suite.fleet.caPem, { clientId, ...tls });
    const closed = new Promise<void>((resolve) => session.once("close", () => resolve()));
    await revokeDevice({ actor, id: device.id });
    await allApplied(await currentRevision());
    await closed;
    await expect(connectDevice(b.ports.mtls, suite.fleet.caPem, { clientId, ...tls, reconnectPeriod: 0 })).rejects.toBeDefined();
  }, 120_000);

  it("gives a broker whose plugin state was wiped its whole state back, from the periodic reconcile", async () => {
    const clientId = `plw-${unique()}`;
    const { secret } = await createDevice({ actor, input: { clientId, tags: [], auth: { type: "password" } } });
    await allApplied(await currentRevision());
    const b = suite.fleet.brokers[0]!;
    await stopPids([b.brokerPid]);
    for (const f of ["snapshot.jsonl", "journal.jsonl"]) rmSync(path.join(b.dir, "plugin-state", f), { force: true });
    b.brokerPid = await startBroker(b.dir, b.ports);
    // Back with nothing: refused, until the reconcile finds the plugin holding another state than it reported.
    expect(mosquittoPub(b.ports.tlsPassword, caFile(b), clientId, secret.password!, `devices/${clientId}/t`).ok).toBe(false);
    await eventually(() => mosquittoPub(b.ports.tlsPassword, caFile(b), clientId, secret.password!, `devices/${clientId}/t`).ok || null, "the wiped broker restored", 120_000, 500);
  }, 180_000);
});
