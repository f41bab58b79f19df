import type { MqttClient } from "mqtt";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import type { AppError } from "@/lib/server/errors";
import { deleteRole } from "@/lib/server/services/acl/delete-role";
import { findAclFindings } from "@/lib/server/services/acl/find-acl-findings";
import { previewAclChange } from "@/lib/server/services/acl/preview-acl-change";
import { saveGroup } from "@/lib/server/services/acl/save-group";
import { saveRole } from "@/lib/server/services/acl/save-role";
import { simulateAccess } from "@/lib/server/services/acl/simulate-access";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { getDevice } from "@/lib/server/services/devices/find-devices";
import { updateDevice } from "@/lib/server/services/devices/update-device";
import type { TAclType } from "@/lib/domain/acl/dynsec";
import { testActor, unique } from "@/lib/server/testing/fixtures";
import { publishAllowed } from "./testing/acl-broker";
import { fleetSuite } from "./testing/fleet-suite";
import { connectDevice, eventually } from "./testing/test-fleet";

const actor = testActor();
const suite = fleetSuite(3);

const rule = (acltype: TAclType, topic: string, allow = true, priority = 0) => ({ acltype, topic, allow, priority });

async function enforcedEverywhere(deviceId: string) {
  await eventually(async () => (await getDevice(deviceId)).brokers.filter((b) => b.broker.startsWith(suite.fleet.prefix)).every((b) => b.applied), "the change applied on every broker", 30_000, 100);
}

async function sessions(clientId: string, password: string): Promise<MqttClient[]> {
  return Promise.all(
    suite.fleet.brokers.map((b) => eventually(() => connectDevice(b.ports.tlsPassword, suite.fleet.caPem, { clientId, username: clientId, password }).catch(() => null), `${clientId} connected to ${b.name}`, 30_000, 200)),
  );
}

describe("roles and groups against the real fleet", () => {
  it("a templated role gives each device its own topics on every broker, exactly as the simulator predicts; a change reaches connected clients without disconnecting them", async () => {
    const sensor = `sensor-${unique()}`;
    await saveRole({ actor, input: { name: sensor, description: "", forNewDevices: false, acls: [rule("publishClientSend", "plant/${clientId}/telemetry"), rule("publishClientSend", "plant/shared/alerts"), rule("subscribePattern", "plant/${clientId}/cmd"), rule("publishClientReceive", "plant/${clientId}/cmd")] } });
    const commander = `commander-${unique()}`;
    await saveRole({ actor, input: { name: commander, description: "", forNewDevices: false, acls: [rule("publishClientSend", "plant/+/cmd")] } });
    const group = `ops-${unique()}`;
    await saveGroup({ actor, input: { name: group, description: "", roles: [{ rolename: commander, priority: 0 }] } });
    const a = await createDevice({ actor, input: { clientId: `ra-${unique()}`, tags: [], auth: { type: "password" }, roles: [{ rolename: sensor, priority: 1 }] } });
    const c = await createDevice({ actor, input: { clientId: `rc-${unique()}`, tags: [], auth: { type: "password" }, groups: [{ groupname: group, priority: 0 }] } });
    const me = a.device.clientId;
    expect((await getDevice(a.device.id)).roles).toEqual([{ rolename: sensor, priority: 1 }]);
    expect((await getDevice(c.device.id)).groups).toEqual([{ groupname: group, priority: 0 }]);

    const as = await sessions(me, a.secret.password!);
    const cs = await sessions(c.device.clientId, c.secret.password!);
    try {
      const topics = [`plant/${me}/telemetry`, "plant/shared/alerts", `plant/other-${unique()}/telemetry`, `devices/${me}/t`, `plant/${me}/cmd`];
      const expected = [true, true, false, false, false];
      for (const [i, b] of suite.fleet.brokers.entries()) {
        for (const [k, topic] of topics.entries()) {
          const predicted = await simulateAccess({ deviceId: a.device.id, action: "publish", topic }, { actor });
          expect(predicted.allowed, `simulator: publish ${topic}`).toBe(expected[k]);
          expect(predicted.roles?.allowed, `the roles' own reading of ${topic}`).toBe(expected[k]);
          expect(await publishAllowed(as[i]!, topic), `${b.name}: publish ${topic} (${JSON.stringify(predicted.decidedBy)})`).toBe(predicted.allowed);
        }
        expect((await simulateAccess({ deviceId: a.device.id, action: "publish", topic: topics[0]! }, { actor })).roles?.decidedBy).toMatchObject({ kind: "rule", rolename: sensor, rolePriority: 1, acl: { topic: `plant/${me}/telemetry` }, index: 0 });
        // Receiving: the group's commander may send commands to any plant device; the sensor gets its own only.
        expect((await simulateAccess({ deviceId: a.device.id, action: "receive", topic: `plant/${me}/cmd` }, { actor })).allowed).toBe(true);
        await as[i]!.subscribeAsync(`plant/${me}/cmd`, { qos: 1 });
        const got = new Promise<string>((resolve) => as[i]!.once("message", (_t, p) => resolve(p.toString())));
        await cs[i]!.publishAsync(`plant/${me}/cmd`, `reboot ${b.name}`, { qos: 1 });
        expect(await got).toBe(`reboot ${b.name}`);
      }

      // Before saving: the preview names the device, its lines, and that it is connected on all three brokers.
      const changed = { name: sensor, description: "", forNewDevices: false, acls: [rule("publishClientSend", "plant/${clientId}/telemetry"), rule("subscribePattern", "plant/${clientId}/cmd"), rule("publishClientReceive", "plant/${clientId}/cmd")] };
      const preview = await eventually(async () => {
        const p = await previewAclChange({ kind: "role", previousName: sensor, role: changed });
        return p.brokers.filter((b) => b.name.startsWith(suite.fleet.prefix)).every((b) => b.connectedAffected === 1) ? p : null;
      }, "the preview to see the device connected on every broker", 30_000, 500);
      expect(preview.devicesChanged).toBe(1);
      expect(preview.devices[0]).toMatchObject({ clientId: me, removed: ["topic write plant/shared/alerts"], added: [] });
      expect(preview.sessionsToDisconnect).toBe(0);
      const revisionBefore = (await db.fleetState.findUniqueOrThrow({ where: { id: 1 } })).revision;
      expect((await db.fleetState.findUniqueOrThrow({ where: { id: 1 } })).revision).toBe(revisionBefore);

      const saved = await saveRole({ actor, previousName: sensor, input: changed });
      expect(BigInt(saved.revision!)).toBeGreaterThan(revisionBefore);
      await enforcedEverywhere(a.device.id);
      for (const [i, b] of suite.fleet.brokers.entries()) {
        expect(as[i]!.connected, `${b.name}: still connected`).toBe(true);
        expect((await simulateAccess({ deviceId: a.device.id, action: "publish", topic: "plant/shared/alerts" }, { actor })).allowed).toBe(false);
        expect(await publishAllowed(as[i]!, "plant/shared/alerts"), `${b.name}: the same session is now refused`).toBe(false);
        expect(await publishAllowed(as[i]!, `plant/${me}/telemetry`), `${b.name}: its own telemetry still allowed`).toBe(true);
      }

      // Taking the group away from the commander stops its commands at once, on the same connections.
      await updateDevice({ actor, id: c.device.id, input: { groups: [] } });
      await enforcedEverywhere(c.device.id);
      for (const [i, b] of suite.fleet.brokers.entries()) expect(await publishAllowed(cs[i]!, `plant/${me}/cmd`), `${b.name}: commander without its group`).toBe(false);
    } finally {
      await Promise.all([...as, ...cs].map((s) => s.endAsync(true)));
    }
  }, 180_000);

  it("refuses what refers to nothing or is still held, writing nothing", async () => {
    const held = `held-${unique()}`;
    await saveRole({ actor, input: { name: held, description: "", forNewDevices: false, acls: [] } });
    const d = await createDevice({ actor, input: { clientId: `rh-${unique()}`, tags: [], auth: { type: "psk" }, roles: [{ rolename: held, priority: 0 }] } });
    const err = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as AppError);
    expect((await err(deleteRole({ actor, name: held })))?.code).toBe("CONFLICT");
    const missing = await err(createDevice({ actor, input: { clientId: `rm-${unique()}`, tags: [], auth: { type: "password" }, roles: [{ rolename: held, priority: 0 }, { rolename: `none-${unique()}`, priority: 0 }] } }));
    expect(missing?.fields).toEqual({ "roles.1.rolename": expect.stringMatching(/names no role/) });
    const count = await db.device.count();
    const group = await err(saveGroup({ actor, input: { name: `g-${unique()}`, description: "", roles: [{ rolename: `none-${unique()}`, priority: 0 }] } }));
    expect(group?.fields).toEqual({ "roles.0.rolename": expect.stringMatching(/names no role/) });
    expect(await db.device.count()).toBe(count);
    expect((await getDevice(d.device.id)).roles).toEqual([{ rolename: held, priority: 0 }]);
  }, 60_000);

  it("names a template-free rule that reaches every device's topics", async () => {
    const wide = `wide-${unique()}`;
    await saveRole({ actor, input: { name: wide, description: "", forNewDevices: false, acls: [rule("publishClientReceive", "devices/+/#")] } });
    const { findings } = await findAclFindings();
    expect(findings.find((f) => f.code === "cross-device" && f.role === wide)).toMatchObject({ severity: "high", message: expect.stringContaining("devices/${clientId}/#") });
  }, 60_000);
});
