import { execFile, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import mqtt, { type MqttClient } from "mqtt";
import { describe, expect, it } from "vitest";
import { encryptedKeyId } from "@/lib/domain/message-encryption";
import { readEnvelope } from "@/lib/domain/message-signing";
import { decodeVerdicts, verdictRows, verdictTopic, type TVerdictRow } from "@/lib/domain/message-verdicts";
import { db } from "@/lib/server/db";
import { saveGroup } from "@/lib/server/services/acl/save-group";
import { saveRole } from "@/lib/server/services/acl/save-role";
import { createDevicesBulk } from "@/lib/server/services/devices/create-devices-bulk";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { mintLiveCredential } from "@/lib/server/services/live/mint-live-credential";
import { decryptMessage } from "@/lib/server/services/live/decrypt-message";
import { issueContentKey } from "@/lib/server/services/signing/issue-content-key";
import { revokeContentKey } from "@/lib/server/services/signing/revoke-content-key";
import { issueSigningKey } from "@/lib/server/services/signing/issue-signing-key";
import { revokeSigningKey } from "@/lib/server/services/signing/revoke-signing-key";
import { setSignedTopics } from "@/lib/server/services/signing/signed-topics";
import { createUser } from "@/lib/server/services/users/create-user";
import { testActor, unique } from "@/lib/server/testing/fixtures";
import { fleetSuite } from "./testing/fleet-suite";
import { eventually } from "./testing/test-fleet";

const run = promisify(execFile);
const actor = testActor();
const suite = fleetSuite(2);
const dir = mkdtempSync(join(tmpdir(), "fw-signing-"));
const file = (name: string, content: string) => (writeFileSync(join(dir, name), content), join(dir, name));

/** A signed device with publish rights on sig/<its id>/t. */
async function signer(algorithm: "EdDSA" | "HS256") {
  const rolename = `signer-${unique()}`;
  await saveRole({ actor, input: { name: rolename, description: "", forNewDevices: false, acls: [{ acltype: "publishClientSend", topic: "sig/${clientId}/t", allow: true, priority: 0 }] } });
  const created = await createDevice({ actor, input: { clientId: `sig-${unique()}`, tags: [], auth: { type: "password" }, signingKey: algorithm, roles: [{ rolename, priority: 0 }] } });
  const id = created.device.clientId;
  const key = created.signingKey!;
  const keyFile = "privateKeyPem" in key.secret ? file(`${id}.pem`, key.secret.privateKeyPem) : file(`${id}.key`, key.secret.hmacKey);
  return { id, kid: key.kid, topic: `sig/${id}/t`, password: created.secret.password!, keyFlag: "privateKeyPem" in key.secret ? "--private-key" : "--hmac-key-file", keyFile };
}

type TSigner = Awaited<ReturnType<typeof signer>>;
/** The counter of the (last) message the example says it published. */
const counterOf = (stdout: string) => Number([...stdout.matchAll(/published ctr=(\d+)/g)].at(-1)?.[1] ?? -1);
const broker = () => suite.fleet.brokers[0]!;

/** The device-side example, as a device developer would run it. */
async function publishSigned(s: TSigner, count: number, kid = s.kid, keyFile = s.keyFile, encrypt: string[] = []) {
  const { stdout } = await run("node", ["examples/signed-publisher.mjs", "--url", `mqtts://127.0.0.1:${broker().ports.tlsPassword}`, "--ca", file("ca.pem", suite.fleet.caPem), "--username", s.id, "--password-file", file(`${s.id}.pw`, s.password), "--topic", s.topic, "--kid", kid, s.keyFlag, keyFile, "--count", String(count), "--interval-ms", "20", "--counter-file", join(dir, `${kid}.counter`), ...encrypt], { timeout: 20_000 });
  return stdout;
}

/** Debian's client, for what a real device would not send: a replay, a tampered copy, an unsigned message. */
const mosquittoPub = (s: TSigner, message: string) =>
  run("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(broker().ports.tlsPassword), "--cafile", file("ca.pem", suite.fleet.caPem), "-u", s.id, "-P", s.password, "-i", s.id, "-t", s.topic, "-m", message, "-V", "mqttv5", "-q", "1"], { timeout: 10_000 });

/** An operator's live credential on the first broker: the raw traffic and the verifier's verdicts (HMAC checked). */
async function inspector() {
  const { user } = await createUser({ actor, input: { email: `sig-${unique()}@example.com`, role: "OPERATOR" } });
  const session = await db.userSession.create({ data: { userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
  const live = await mintLiveCredential({ actor, role: "OPERATOR", sessionId: session.id });
  const link: MqttClient = await eventually(
    () => mqtt.connectAsync(`wss://127.0.0.1:${broker().ports.live}/mqtt`, { ca: suite.fleet.caPem, username: live.username, password: live.password, clientId: live.username, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5_000 }).catch(() => null),
    "the live credential accepted",
    30_000,
    200,
  );
  const messages: { topic: string; payload: string }[] = [];
  const verdicts: TVerdictRow[] = [];
  let forged = 0;
  link.on("message", (topic, payload) => {
    if (topic !== verdictTopic(broker().name)) return void messages.push({ topic, payload: payload.toString() });
    const d = decodeVerdicts(payload.toString());
    const key = live.signing.verdictKeys.find((k) => k.id === d?.keyId);
    if (!d || !key || createHmac("sha256", Buffer.from(key.key, "base64url")).update(d.json).digest("base64url") !== d.mac) return void forged++;
    verdicts.push(...verdictRows(d.json));
  });
  await link.subscribeAsync(["sig/#", verdictTopic(broker().name)], { qos: 0 });
  return { link, messages, verdicts, forged: () => forged, of: (topic: string) => verdicts.filter((v) => v.t === topic).map((v) => v.s) };
}

describe("message signing against real brokers", () => {
  it("judges a real client's signed messages, and tampered, replayed, unsigned ones, with findings per device", async () => {
    const ed = await signer("EdDSA");
    const hs = await signer("HS256");
    await setSignedTopics({ actor, input: { topics: [{ filter: "sig/+/t", signedOnly: true }] } });
    const watch = await inspector();
    try {
      // The device's password reaches the broker through the sync; the example then publishes 3 signed messages.
      let lastTry = -1;
      await eventually(() => publishSigned(ed, 1).then((out) => ((lastTry = counterOf(out)), watch.of(ed.topic).length > 0)).catch(() => false), "a first verdict for the Ed25519 device", 30_000, 500);
      // The tries' verdicts all in: the last try's own (its messages are judged in order), not a guess at how long.
      await eventually(() => watch.verdicts.some((v) => v.t === ed.topic && v.c === lastTry), "the verdict of the last try");
      const first = watch.of(ed.topic).length;
      expect(await publishSigned(ed, 3)).toMatch(/published ctr=\d+ on sig\//);
      await publishSigned(hs, 2);
      await eventually(() => watch.of(ed.topic).length >= first + 3 && watch.of(hs.topic).length >= 2, "the verdicts");
      expect(watch.of(ed.topic)).toEqual(Array(first + 3).fill("valid"));
      expect(watch.of(hs.topic)).toEqual(["valid", "valid"]);

      const original = watch.messages.filter((m) => m.topic === ed.topic).at(-1)!.payload;
      const [h, p, s] = original.split(".");
      const claims = JSON.parse(Buffer.from(p!, "base64url").toString()) as { data: unknown };
      const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, data: { temperature: 99 } })).toString("base64url")}.${s}`;
      await mosquittoPub(ed, original);
      await mosquittoPub(ed, tampered);
      await mosquittoPub(ed, '{"temperature":21.5}');
      await eventually(() => watch.of(ed.topic).length >= first + 6, "verdicts for the replay, the tampered copy and the unsigned message");
      const tail = watch.verdicts.filter((v) => v.t === ed.topic).slice(first + 3);
      expect(tail.map((v) => [v.s, v.r, v.d])).toEqual([
        ["replayed", expect.stringMatching(/^counter \d+ was seen before$/), ed.id],
        ["invalid", "bad signature", ed.id],
        ["unsigned", null, null],
      ]);
      expect(watch.forged()).toBe(0);

      // Findings, counted per device (and per topic for unsigned traffic: MQTT does not say who published it).
      const findings = await eventually(async () => {
        const rows = await db.securityFinding.findMany({ where: { resolvedAt: null, subject: { in: [ed.id, ed.topic] } } });
        return rows.length === 3 ? rows : null;
      }, "the findings");
      expect(Object.fromEntries(findings.map((f) => [f.rule, [f.subject, f.count, f.severity]]))).toEqual({
        "signing.replayed": [ed.id, 1, "high"],
        "signing.invalid": [ed.id, 1, "high"],
        "signing.unsigned": [ed.topic, 1, "medium"],
      });
      expect(await db.auditEvent.count({ where: { action: "security.finding_raised", actorLabel: "message verifier" } })).toBeGreaterThanOrEqual(3);
      // The highest accepted counter is kept, so a replay is caught after a restart too.
      const stored = await eventually(async () => (await db.signingKey.findUniqueOrThrow({ where: { id: ed.kid } })).lastCounter, "the stored counter");
      expect(Number(stored)).toBe(JSON.parse(Buffer.from(p!, "base64url").toString()).ctr);

      // Rotation: the new key signs, the old one is revoked with it, and its messages are invalid from then on.
      const device = await db.device.findUniqueOrThrow({ where: { clientId: ed.id } });
      const rotated = await issueSigningKey({ actor, deviceId: device.id, algorithm: "EdDSA", replace: true });
      expect(rotated.revoked).toEqual([ed.kid]);
      const newKey = file(`${ed.id}-2.pem`, (rotated.secret as { privateKeyPem: string }).privateKeyPem);
      await eventually(async () => {
        await publishSigned(ed, 1, rotated.key.id, newKey);
        return watch.of(ed.topic).at(-1) === "valid" && watch.verdicts.at(-1)?.k === rotated.key.id;
      }, "a valid message under the new key", 20_000, 300);
      await publishSigned(ed, 1);
      await eventually(() => watch.verdicts.at(-1)?.k === ed.kid, "the old key's verdict");
      expect(watch.verdicts.at(-1)).toMatchObject({ s: "invalid", r: "key revoked" });
      await revokeSigningKey({ actor, deviceId: device.id, kid: rotated.key.id });
      await eventually(async () => {
        await publishSigned(ed, 1, rotated.key.id, newKey);
        return watch.verdicts.at(-1)?.r === "key revoked" && watch.verdicts.at(-1)?.k === rotated.key.id;
      }, "the revoked key's messages invalid", 20_000, 300);
      expect(await db.auditEvent.count({ where: { action: { in: ["device.signing_key_issue", "device.signing_key_rotate", "device.signing_key_revoke"] }, targetId: device.id } })).toBe(3);
    } finally {
      await watch.link.endAsync();
    }
  }, 120_000);

  it("carries encrypted payloads the broker cannot read; the verifier and an allowed inspector decrypt them, until the key is revoked", async () => {
    const ed = await signer("EdDSA");
    await setSignedTopics({ actor, input: { topics: [{ filter: "sig/+/t", signedOnly: true }] } });
    const ck = await issueContentKey({ actor, input: { name: `ck-${unique()}`, clientId: ed.id } });
    expect(ck.key.scope).toMatchObject({ kind: "device", name: ed.id });
    const encrypt = ["--content-kid", ck.key.id, "--content-key-file", file(`${ck.key.id}.key`, ck.secret.contentKey)];
    // A consumer without the key, reading the topic with Debian's mosquitto_sub: what the broker carries.
    const rolename = `reader-${unique()}`;
    await saveRole({ actor, input: { name: rolename, description: "", forNewDevices: false, acls: [{ acltype: "subscribePattern", topic: "sig/#", allow: true, priority: 0 }, { acltype: "publishClientReceive", topic: "sig/#", allow: true, priority: 0 }] } });
    const reader = await createDevice({ actor, input: { clientId: `reader-${unique()}`, tags: [], auth: { type: "password" }, roles: [{ rolename, priority: 0 }] } });
    const watch = await inspector();
    try {
      await eventually(() => publishSigned(ed, 1, ed.kid, ed.keyFile, encrypt).then(() => watch.of(ed.topic).length > 0).catch(() => false), "a first verdict", 30_000, 500);
      // -d: it says when its subscription is acknowledged (line-buffered by stdbuf), and the message is published only then.
      const sub = spawn("stdbuf", ["-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", String(broker().ports.tlsPassword), "--cafile", file("ca.pem", suite.fleet.caPem), "-u", reader.device.clientId, "-P", reader.secret.password!, "-i", reader.device.clientId, "-t", ed.topic, "-C", "1", "-W", "30", "-V", "mqttv5", "-d"]);
      let out = "";
      sub.stdout.on("data", (b: Buffer) => (out += b.toString()));
      const exited = new Promise<void>((r) => sub.once("exit", () => r()));
      await eventually(() => out.includes("received SUBACK"), "the reader's subscription", 20_000, 50);
      await publishSigned(ed, 1, ed.kid, ed.keyFile, encrypt);
      await exited;
      const lines = out.split("\n");
      const wire = (lines[lines.findIndex((l) => l.includes("received PUBLISH")) + 1] ?? "").trim();
      expect(encryptedKeyId(wire)).toBe(ck.key.id);
      expect(wire).not.toMatch(/temperature|"dev"|fleetward-msg\+jws/);
      expect(Buffer.from(wire.split(".")[3]!, "base64url").toString("latin1")).not.toContain("temperature");

      await eventually(() => watch.verdicts.filter((v) => v.t === ed.topic).length >= 2, "the verdicts");
      expect(watch.verdicts.filter((v) => v.t === ed.topic).at(-1)).toMatchObject({ s: "valid", d: ed.id, k: ed.kid, e: ck.key.id });

      const opened = await decryptMessage({ actor, topic: ed.topic, payload: wire });
      expect(readEnvelope(opened.text!)?.claims).toMatchObject({ dev: ed.id, tpc: ed.topic, data: { temperature: 21.5 } });
      expect(await db.auditEvent.findFirst({ where: { action: "live.payload_decrypt", targetId: ck.key.id }, select: { details: true } })).toEqual({ details: { topic: ed.topic, bytes: opened.text!.length } });

      await revokeContentKey({ actor, kid: ck.key.id });
      await expect(decryptMessage({ actor, topic: ed.topic, payload: wire })).rejects.toMatchObject({ fields: { payload: "is under a revoked content key" } });
      await eventually(async () => {
        await publishSigned(ed, 1, ed.kid, ed.keyFile, encrypt);
        return watch.verdicts.at(-1)?.r === "content key revoked";
      }, "the revoked content key's messages invalid", 20_000, 300);
    } finally {
      await watch.link.endAsync();
    }
  }, 120_000);

  it("issues signing keys in a bulk import and content keys to a group; refuses unknown targets, writing nothing", async () => {
    const prefix = `bulk-sig-${unique()}`;
    const bulk = await createDevicesBulk({ actor, input: { devices: [{ clientId: `${prefix}-a`, auth: { type: "psk" }, signingKey: "HS256" }, { clientId: `${prefix}-b`, auth: { type: "password" } }, { clientId: `${prefix}-c`, auth: { type: "password" }, signingKey: "EdDSA" }] } });
    expect(bulk.devices.map((d) => d.signingKey?.algorithm ?? null)).toEqual(["HS256", null, "EdDSA"]);
    expect(bulk.devices[0]!.signingKey!.secret).toEqual({ hmacKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const stored = await db.signingKey.findMany({ where: { device: { clientId: { startsWith: prefix } } }, include: { device: { select: { clientId: true } } }, orderBy: { algorithm: "asc" } });
    expect(stored.map((k) => [k.device.clientId, k.algorithm, k.publicKeyPem !== null, k.secretSealed !== null])).toEqual([[`${prefix}-c`, "EdDSA", true, false], [`${prefix}-a`, "HS256", false, true]]);
    expect(stored[1]!.secretSealed).not.toContain((bulk.devices[0]!.signingKey!.secret as { hmacKey: string }).hmacKey);

    const group = `sig-group-${unique()}`;
    await saveGroup({ actor, input: { name: group, description: "", roles: [] } });
    const ck = await issueContentKey({ actor, input: { name: "fleet telemetry", groupname: group } });
    expect(ck.key.scope).toMatchObject({ kind: "group", name: group });
    const before = await db.contentKey.count();
    await expect(issueContentKey({ actor, input: { name: "x", groupname: `no-${unique()}` } })).rejects.toMatchObject({ fields: { groupname: "is not a group" } });
    await expect(issueContentKey({ actor, input: { name: "x", clientId: `no-${unique()}` } })).rejects.toMatchObject({ fields: { clientId: "is not a device" } });
    expect(await db.contentKey.count()).toBe(before);
  });
});
