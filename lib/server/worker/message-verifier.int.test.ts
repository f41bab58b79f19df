// The verifier judges a device's first signed message correctly even when it comes before the verifier's next look
// at the keys (a device created a moment earlier).
import { readFileSync } from "node:fs";
import path from "node:path";
import { CompactSign, importPKCS8 } from "jose";
import type { MqttClient } from "mqtt";
import { describe, expect, it } from "vitest";
import { MESSAGE_TYP } from "@/lib/domain/message-signing";
import { decodeVerdicts, verdictRows, verdictTopic, type TVerdictRow } from "@/lib/domain/message-verdicts";
import { connectAdmin } from "@/lib/fleet/admin-channel";
import { fleetSuite } from "@/lib/fleet/testing/fleet-suite";
import { connectDevice, eventually } from "@/lib/fleet/testing/test-fleet";
import { db } from "@/lib/server/db";
import { saveRole } from "@/lib/server/services/acl/save-role";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { setSignedTopics } from "@/lib/server/services/signing/signed-topics";
import { testActor, unique } from "@/lib/server/testing/fixtures";

const actor = testActor();
const suite = fleetSuite(1);

/** A device with an Ed25519 signing key; `sender` may publish under every device's sig/ topic. */
async function signedDevice(rolename?: string) {
  const d = await createDevice({ actor, input: { clientId: `first-${unique()}`, tags: [], auth: { type: "password" }, signingKey: "EdDSA", roles: rolename ? [{ rolename, priority: 0 }] : [] } });
  const key = d.signingKey!;
  const privateKey = await importPKCS8((key.secret as { privateKeyPem: string }).privateKeyPem, "EdDSA");
  const topic = `sig/${d.device.clientId}/t`;
  let ctr = 0;
  const sign = async () => {
    const claims = { dev: d.device.clientId, ts: Date.now(), ctr: ++ctr, tpc: topic, data: { n: ctr } };
    return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: MESSAGE_TYP }).sign(privateKey);
  };
  return { ...d, topic, sign };
}

describe("the message verifier", () => {
  it("judges valid a device's first message signed before its next look at the keys", async () => {
    const b = suite.fleet.brokers[0]!;
    const rolename = `sender-${unique()}`;
    await saveRole({ actor, input: { name: rolename, description: "", forNewDevices: false, acls: [{ acltype: "publishClientSend", topic: "sig/#", allow: true, priority: 0 }] } });
    await setSignedTopics({ actor, input: { topics: [{ filter: "sig/+/t", signedOnly: true }] } });
    const sender = await signedDevice(rolename);

    // The verdicts, as the verifier publishes them over the admin channel.
    const file = (f: string) => readFileSync(path.join(suite.fleet.dir, "admin", f), "utf8");
    const watcher = await connectAdmin({ name: b.name, host: "127.0.0.1", adminPort: b.ports.admin, caPem: file("ca.crt"), adminCertPem: file("admin.crt"), adminKeyPem: file("admin.key") });
    const verdicts: TVerdictRow[] = [];
    watcher.on("message", (_t, p) => verdicts.push(...verdictRows(decodeVerdicts(p.toString())?.json ?? "[]")));
    await watcher.subscribeAsync(verdictTopic(b.name), { qos: 0 });
    let link: MqttClient | null = null;
    try {
      // The sender's password on the broker and the verifier following the filter: its own message is judged.
      link = await eventually(() => connectDevice(b.ports.tlsPassword, suite.fleet.caPem, { clientId: sender.device.clientId, username: sender.device.clientId, password: sender.secret.password! }).catch(() => null), "the sender's login", 60_000, 200);
      const ready = link;
      await eventually(async () => (await ready.publishAsync(sender.topic, await sender.sign(), { qos: 1 }), verdicts.some((v) => v.t === sender.topic && v.s === "valid")), "the verifier to judge the sender", 60_000, 500);

      // The worker frozen while a device is created and a message under its new key reaches the broker: once it goes
      // on, the message is in hand before the keys are read again.
      const worker = suite.worker.process.pid!;
      process.kill(worker, "SIGSTOP");
      let fresh: Awaited<ReturnType<typeof signedDevice>>;
      try {
        fresh = await signedDevice();
        await ready.publishAsync(fresh.topic, await fresh.sign(), { qos: 1 });
        expect(await db.signingKey.count({ where: { id: fresh.signingKey!.kid } })).toBe(1);
      } finally {
        process.kill(worker, "SIGCONT");
      }
      const v = await eventually(() => verdicts.find((x) => x.t === fresh.topic), "the fresh device's verdict", 30_000);
      expect({ verdict: v.s, reason: v.r, device: v.d }).toEqual({ verdict: "valid", reason: null, device: fresh.device.clientId });
    } finally {
      await link?.endAsync(true);
      await watcher.endAsync(true);
    }
  }, 180_000);
});
