// A device trying to be Fleetward, against a real fleet: the admin listener trusts only the service CA, devices
// never reach the control topics whatever their roles say, secrets never cross the bus in the clear, and a report
// is the broker's whose topic it came on.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AGENT_TOPICS } from "@/lib/domain/agent-command";
import { ADMIN_IDENTITY } from "@/lib/domain/mosquitto-conf";
import { change } from "@/lib/server/change";
import { db } from "@/lib/server/db";
import { desiredStateChanged } from "@/lib/server/queue";
import { issueCertificate } from "@/lib/server/pki/x509";
import { deleteRole } from "@/lib/server/services/acl/delete-role";
import { saveRole } from "@/lib/server/services/acl/save-role";
import { endpointOf } from "@/lib/server/services/brokers/broker-driver-for";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { deleteDevice } from "@/lib/server/services/devices/delete-device";
import { getDevice } from "@/lib/server/services/devices/find-devices";
import { fleetCa } from "@/lib/server/services/fleet/fleet-keys";
import { testActor, unique } from "@/lib/server/testing/fixtures";
import { connectAdmin } from "./admin-channel";
import { publishAllowed } from "./testing/acl-broker";
import { fleetSuite } from "./testing/fleet-suite";
import { connectPsk } from "./testing/psk-client";
import { connectDevice, eventually } from "./testing/test-fleet";

const actor = testActor();
const suite = fleetSuite(2);
const broker = (i: number) => suite.fleet.brokers[i]!;
const row = (i: number) => db.broker.findUniqueOrThrow({ where: { name: broker(i).name } });
const caFile = () => path.join(suite.fleet.dir, "admin/ca.crt");

async function appliedEverywhere(deviceId: string) {
  await eventually(async () => (await getDevice(deviceId)).brokers.filter((b) => b.broker.startsWith(suite.fleet.prefix)).every((b) => b.applied), "the device applied on every broker", 60_000, 100);
}

/** Debian's mosquitto_sub as a device, until stopped; resolves its output lines once its SUBACK came. */
async function mosquittoSub(port: number, user: string, password: string, topics: string[]) {
  const args = ["-h", "127.0.0.1", "-p", String(port), "--cafile", caFile(), "-u", user, "-P", password, "-i", user, "-V", "mqttv5", "-v", "-d", ...topics.flatMap((t) => ["-t", t])];
  // Line-buffered: into a pipe, mosquitto_sub would hold its output back.
  const child = spawn("stdbuf", ["-oL", "mosquitto_sub", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  await eventually(() => out.includes("received SUBACK") || child.exitCode !== null, "mosquitto_sub's SUBACK", 20_000, 50);
  if (child.exitCode !== null) throw new Error(`mosquitto_sub exited: ${out}`);
  return { output: () => out, stop: () => new Promise<void>((r) => (child.once("exit", () => r()), child.kill())) };
}

describe("a device certificate named fleetward-admin", () => {
  it("is refused at the admin listener's TLS handshake, while Fleetward's real admin identity connects", async () => {
    const ep = endpointOf(await row(0));
    const real = await connectAdmin(ep);
    await real.endAsync();
    // The fleet CA issues device certificates: before, the admin listener trusted it, and this was the admin.
    const forged = await issueCertificate({ ca: await fleetCa(), commonName: ADMIN_IDENTITY, usage: "client", days: 1 });
    await expect(connectAdmin({ ...ep, adminCertPem: forged.certPem, adminKeyPem: forged.keyPem })).rejects.toMatchObject({
      kind: "wrong_admin_identity",
      message: expect.stringMatching(/unknown ca|certificate/i),
    });
  });
});

describe("devices whose role grants # both ways", () => {
  it("receive nothing on fleetward/# (signed commands included), and may publish no heartbeat nor $CONTROL command", async () => {
    const role = `everything-${unique()}`;
    const all = (acltype: "publishClientSend" | "publishClientReceive" | "subscribePattern") => ({ acltype, topic: "#", allow: true, priority: 0 });
    await saveRole({ actor, input: { name: role, description: "", forNewDevices: false, acls: [all("publishClientSend"), all("publishClientReceive"), all("subscribePattern")] } });
    const wild = () => createDevice({ actor, input: { clientId: `wild-${unique()}`, tags: [], auth: { type: "password" }, roles: [{ rolename: role, priority: 0 }] } });
    const [listener, talker] = [await wild(), await wild()];
    await appliedEverywhere(talker.device.id);
    const b = broker(0);
    const sub = await mosquittoSub(b.ports.tlsPassword, listener.device.clientId, listener.secret.password!, ["fleetward/agent/+/cmd", "fleetward/#", "#"]);
    const pub = await connectDevice(b.ports.tlsPassword, suite.fleet.caPem, { clientId: talker.device.clientId, username: talker.device.clientId, password: talker.secret.password! });
    try {
      // Another change: signed apply commands cross this broker while the device listens.
      const other = await createDevice({ actor, input: { clientId: `bystander-${unique()}`, tags: [], auth: { type: "password" } } });
      await appliedEverywhere(other.device.id);
      // What the other device sends does reach it: the subscription delivers, only not Fleetward's topics.
      const sentinel = `devices/${talker.device.clientId}/sentinel`;
      await pub.publishAsync(sentinel, "end", { qos: 1 });
      await eventually(() => sub.output().includes(`${sentinel} end`), "the sentinel through mosquitto_sub", 20_000, 50);
      expect(sub.output()).not.toMatch(/^fleetward\//m);
      for (const topic of [AGENT_TOPICS.heartbeat(b.name), AGENT_TOPICS.reply(broker(1).name), "fleetward/verdicts/x", "$CONTROL/dynamic-security/v1"]) {
        expect(await publishAllowed(pub, topic), topic).toBe(false);
      }
      expect(await publishAllowed(pub, `devices/${talker.device.clientId}/t`)).toBe(true);
    } finally {
      await pub.endAsync();
      await sub.stop();
      // Later files in the same run share this database: a fleet-wide `#` grant would change what they see.
      for (const d of [listener, talker]) await deleteDevice({ actor, id: d.device.id });
      await deleteRole({ actor, name: role });
    }
  }, 120_000);
});

describe("the bus", () => {
  it("carries no PSK key in the clear, even to Fleetward's own admin reading #, and the agent still applies it", async () => {
    const b = broker(0);
    const admin = await connectAdmin(endpointOf(await row(0)));
    const commands: string[] = [];
    admin.on("message", (topic, payload) => topic === AGENT_TOPICS.command(b.name) && commands.push(payload.toString()));
    await admin.subscribeAsync("#", { qos: 0 });
    try {
      const { device, secret } = await createDevice({ actor, input: { clientId: `psk-${unique()}`, tags: [], auth: { type: "psk" } } });
      await appliedEverywhere(device.id);
      expect(commands.some((c) => c.includes('"type":"apply"') && c.includes('"sealed"'))).toBe(true);
      expect(commands.join("\n")).not.toContain(secret.pskKey!);
      expect(readFileSync(path.join(b.dir, "managed/psk"), "utf8")).toContain(`${device.clientId}:${secret.pskKey}\n`);
      const client = await connectPsk(b.ports.psk, secret.pskIdentity!, secret.pskKey!);
      await client.endAsync();
    } finally {
      await admin.endAsync();
    }
  }, 90_000);
});

describe("an agent's report", () => {
  it("is the broker's whose topic it came on: a heartbeat on one broker's topic naming another changes neither", async () => {
    const [first, second] = [broker(0), broker(1)];
    const admin = await connectAdmin(endpointOf(await row(0)));
    const forged = { broker: second.name, online: true, at: Date.now(), version: `forged-${unique()}`, connectedClients: 4242, uptimeSeconds: 1 };
    const ignored = `heartbeat ignored: the heartbeat on ${AGENT_TOPICS.heartbeat(first.name)} names broker "${second.name}"`;
    try {
      // The worker's monitor may not watch this broker yet: sent until it says it refused one.
      await eventually(async () => {
        await admin.publishAsync(AGENT_TOPICS.heartbeat(first.name), JSON.stringify(forged), { qos: 1 });
        return suite.worker.log().includes(ignored);
      }, "the monitor to refuse the forged heartbeat", 30_000, 500);
    } finally {
      await admin.endAsync();
    }
    for (const i of [0, 1]) expect(await row(i)).not.toMatchObject({ version: forged.version });
    expect((await row(1)).connectedClients).not.toBe(4242);
  }, 60_000);
});

describe("a stored value the brokers' files cannot hold", () => {
  it("fails the sync loudly, naming its owner, and nothing is sent until it is corrected", async () => {
    const changed = (reason: string) => change((tx) => desiredStateChanged(tx, reason));
    const aclBefore = readFileSync(path.join(broker(0).dir, "managed/acl"), "utf8");
    // Written around the schemas, as a row from before they refused line breaks could be.
    const bad = await db.device.create({ data: { clientId: `bad-${unique()}\nuser someone-else`, authType: "PASSWORD" } });
    try {
      await changed("a row the files cannot hold");
      const error = await eventually(async () => (await row(0)).lastError?.includes("client id of device") && (await row(0)).lastError, "the broker's last error", 30_000, 200);
      expect(error).toMatch(/^Cannot render the brokers' files: the client id of device "bad-.*\\nuser someone-else" holds the control character U\+000A/);
      expect(readFileSync(path.join(broker(0).dir, "managed/acl"), "utf8")).toBe(aclBefore);
    } finally {
      await db.device.delete({ where: { id: bad.id } });
      await changed("the bad row removed");
    }
    await eventually(async () => (await row(0)).lastError === null, "the next sync to succeed", 30_000, 200);
  }, 90_000);
});
