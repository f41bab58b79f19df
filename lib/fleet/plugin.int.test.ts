// Fleetward's broker plugin in a real Mosquitto (its sanitizer build): Debian's clients and OpenSSL with passwords,
// PSK keys and certificates, command batches taken whole or refused whole, revocation that cuts a session off, and
// Fleetward's own topics out of every device's reach.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificateKey } from "@/lib/domain/certificate-key";
import { mosquittoPasswordHash } from "@/lib/domain/mosquitto-password";
import { issueCertificate } from "@/lib/server/pki/x509";
import { startPluginBroker, type TPluginBroker } from "./testing/plugin-broker";
import { connectPsk } from "./testing/psk-client";

let broker: TPluginBroker;
let revision = 0;
const next = () => ++revision;

beforeAll(async () => {
  broker = await startPluginBroker();
}, 60_000);

afterAll(async () => {
  const problems = await broker.stop();
  expect(problems, "sanitizer reports about the plugin").toEqual([]);
}, 30_000);

const file = (name: string, text: string) => {
  const p = path.join(broker.dir, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
};

/** Debian's mosquitto_pub, one QoS 1 message: whether the broker took it, and what the client printed. */
function pub(listener: "tlsPassword" | "psk" | "mtls", args: string[], topic: string) {
  const tls = listener === "psk" ? [] : ["--cafile", path.join(broker.dir, "ca.crt")];
  const r = spawnSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(broker.ports[listener]), ...tls, "-V", "mqttv5", "-q", "1", "-t", topic, "-m", "x", ...args], { encoding: "utf8", timeout: 20_000 });
  const output = `${r.stdout}${r.stderr}`;
  return { ok: r.status === 0 && !/failed|error|refused/i.test(output), output };
}

const sensorRole = (rolename: string) => ({
  op: "upsertRole",
  rolename,
  acls: [
    { acltype: "publishClientSend", topic: "devices/${clientId}/#", allow: true },
    { acltype: "subscribePattern", topic: "#", allow: true },
    { acltype: "publishClientReceive", topic: "#", allow: true },
    { acltype: "publishClientSend", topic: "#", priority: -1, allow: true },
  ],
});

describe("the broker plugin", () => {
  it("authenticates password devices as their roles allow, with templates read at check time", async () => {
    const id = `pw-${randomBytes(3).toString("hex")}`;
    const password = randomBytes(12).toString("base64url");
    const reply = await broker.command({
      revision: next(),
      ops: [
        { op: "upsertRole", rolename: "own-topics", acls: [{ acltype: "publishClientSend", topic: "devices/${clientId}/#", allow: true }] },
        { op: "upsertClient", username: id, clientid: id, credential: "password", secret: await mosquittoPasswordHash(password), roles: [{ rolename: "own-topics" }] },
      ],
    });
    expect(reply).toMatchObject({ ok: true, applied: 2, revision });
    expect(pub("tlsPassword", ["-u", id, "-P", password], `devices/${id}/t`)).toMatchObject({ ok: true });
    expect(pub("tlsPassword", ["-u", id, "-P", password], "devices/someone-else/t").output).toContain("Not authorized");
    expect(pub("tlsPassword", ["-u", id, "-P", "not-the-password"], `devices/${id}/t`).output).toMatch(/not authori[sz]ed/i);
    // A password device is not a PSK or certificate identity.
    expect(pub("psk", ["-i", id, "--psk-identity", id, "--psk", "00112233"], `devices/${id}/t`).ok).toBe(false);

    await broker.command({ revision: next(), ops: [{ op: "upsertClient", username: id, clientid: id, credential: "password", secret: await mosquittoPasswordHash(password), disabled: true }] });
    expect(pub("tlsPassword", ["-u", id, "-P", password], `devices/${id}/t`).output).toMatch(/not authori[sz]ed/i);
  });

  it("gives PSK devices their key, to Debian's client and to OpenSSL, and refuses a wrong key in the handshake", async () => {
    const id = `psk-${randomBytes(3).toString("hex")}`;
    const key = randomBytes(32).toString("hex");
    expect(await broker.command({ revision: next(), ops: [sensorRole("psk-sensor"), { op: "upsertClient", username: id, clientid: id, credential: "psk", secret: key, roles: [{ rolename: "psk-sensor" }] }] })).toMatchObject({ ok: true });
    expect(pub("psk", ["-i", id, "--psk-identity", id, "--psk", key], `devices/${id}/t`)).toMatchObject({ ok: true });
    expect(pub("psk", ["-i", id, "--psk-identity", id, "--psk", "ab".repeat(32)], `devices/${id}/t`).ok).toBe(false);
    // Its client id is its identity, no other.
    expect(pub("psk", ["-i", `${id}-2`, "--psk-identity", id, "--psk", key], `devices/${id}/t`).ok).toBe(false);
    const s = spawnSync("openssl", ["s_client", "-connect", `127.0.0.1:${broker.ports.psk}`, "-psk", key, "-psk_identity", id, "-tls1_2", "-cipher", "ECDHE-PSK-CHACHA20-POLY1305"], { input: "", encoding: "utf8", timeout: 20_000 });
    expect(s.stdout).toMatch(/Cipher is ECDHE-PSK-CHACHA20-POLY1305/);
  });

  it("cuts a certificate device off when its certificate is revoked: its next packet is refused, its session closed, its login refused", async () => {
    const id = `cert-${randomBytes(3).toString("hex")}`;
    const cert = await issueCertificate({ ca: broker.ca, commonName: id, usage: "client", days: 2 });
    const key = certificateKey(cert.certPem);
    expect(await broker.command({ revision: next(), ops: [sensorRole("cert-sensor"), { op: "upsertClient", username: id, clientid: id, credential: "cert", roles: [{ rolename: "cert-sensor" }] }] })).toMatchObject({ ok: true });
    const certArgs = ["-i", id, "--cert", file(`${id}.crt`, cert.certPem), "--key", file(`${id}.key`, cert.keyPem)];
    expect(pub("mtls", certArgs, `devices/${id}/t`)).toMatchObject({ ok: true });

    const connect = () => mqtt.connectAsync(`mqtts://127.0.0.1:${broker.ports.mtls}`, { ca: broker.ca.certPem, cert: cert.certPem, key: cert.keyPem, clientId: id, protocolVersion: 5, reconnectPeriod: 0 });
    const device: MqttClient = await connect();
    // Revoked, its session is not closed yet: its TLS session stands, and its next packet is refused all the same.
    await broker.command({ revision: next(), ops: [{ op: "revoke", key }] });
    await expect(device.publishAsync(`devices/${id}/t`, "x", { qos: 1 })).rejects.toMatchObject({ code: 135 });
    await broker.command({ revision: next(), ops: [{ op: "unrevoke", key }] });
    await device.publishAsync(`devices/${id}/t`, "x", { qos: 1 });
    // Revoked with its username, as Fleetward sends it: the session is closed at once.
    const closed = new Promise<void>((resolve) => device.once("close", () => resolve()));
    await broker.command({ revision: next(), ops: [{ op: "revoke", key, username: id }] });
    await closed;
    // The CRL the handshake reads is the agent's file, not the plugin's: the handshake passes, the login is refused.
    await expect(connect()).rejects.toMatchObject({ code: 135 });
    expect(await broker.nextEvent((e) => e.kind === "refused" && e.clientId === id)).toMatchObject({ reason: "certificate revoked", listener: "cert" });
    expect(pub("mtls", certArgs, `devices/${id}/t`).ok).toBe(false);

    await broker.command({ revision: next(), ops: [{ op: "unrevoke", key }] });
    expect(pub("mtls", certArgs, `devices/${id}/t`)).toMatchObject({ ok: true });
  });

  it("keeps Fleetward's topics from a device that may do anything: no fleetward/ message, no command, whatever its roles", async () => {
    const id = `all-${randomBytes(3).toString("hex")}`;
    const key = randomBytes(32).toString("hex");
    await broker.command({ revision: next(), ops: [sensorRole("everything"), { op: "upsertClient", username: id, clientid: id, credential: "psk", secret: key, roles: [{ rolename: "everything" }] }] });
    const before = await broker.command({ revision: revision, ops: [] });
    const device = await connectPsk(broker.ports.psk, id, key);
    try {
      await expect(device.publishAsync("fleetward/agent/plugin-test/heartbeat", "{}", { qos: 1 })).rejects.toMatchObject({ code: 135 });
      await expect(device.subscribeAsync("fleetward/#")).rejects.toBeDefined();
      await expect(device.subscribeAsync("$CONTROL/#")).rejects.toBeDefined();
      // A batch from a device, through any listener, is no command.
      const forged = JSON.stringify({ revision: revision + 1, ops: [{ op: "setDefaults", publishClientSend: true, publishClientReceive: true, subscribe: true, unsubscribe: true }] });
      await expect(device.publishAsync("$CONTROL/fleetward/v1", forged, { qos: 1 })).rejects.toMatchObject({ code: 135 });
    } finally {
      await device.endAsync(true);
    }
    expect((await broker.command({ revision: revision, ops: [] })).digest).toBe(before.digest);
  });

  it("refuses a bad batch whole, saying where and why, and changes nothing", async () => {
    const before = await broker.command({ revision: revision, ops: [] });
    const good = { op: "upsertClient", username: "whole-1", clientid: "whole-1", credential: "psk", secret: "ab".repeat(16) };
    const cases: [unknown, RegExp][] = [
      [{ revision: next(), ops: [good, { op: "upsertRole", rolename: "r", acls: [{ acltype: "publishAll", topic: "a" }] }] }, /^ops\[1\]\.acls\[0\]\.acltype: must be one of publishClientSend/],
      [{ revision: revision, ops: [good, { op: "upsertClient", username: "fleetward-admin", clientid: "fleetward-admin", credential: "cert" }] }, /^ops\[1\]\.username: is reserved for Fleetward's own identities/],
      [{ revision: revision, ops: [good, { op: "upsertRole", rolename: "r", acls: [{ acltype: "publishClientSend", topic: "a/${other}" }] }] }, /topic: must be a topic filter .* the only templates are \$\{clientId\} and \$\{username\}/],
      [{ revision: revision, ops: [good, { op: "upsertClient", username: "x\u0007", clientid: "x", credential: "psk", secret: "abcd" }] }, /^ops\[1\]\.username: must be non-empty UTF-8 text without control characters/],
      [{ revision: revision, ops: [good, { op: "upsertClient", username: "a+b", clientid: "a+b", credential: "psk", secret: "abcd" }] }, /may not hold \+, # or \//],
      [{ revision: revision, ops: [good], extra: true }, /^batch: unknown field "extra"/],
      [{ revision: 1, ops: [good] }, /^revision 1 is older than the applied \d+/],
      [`{"revision": ${revision}, "ops": [] } trailing`, /^batch: is not JSON/],
    ];
    for (const [batch, reason] of cases) {
      const r = await broker.command(batch);
      expect(r.ok, JSON.stringify(batch)).toBe(false);
      expect(r.error).toMatch(reason);
      expect(r.digest).toBe(before.digest);
    }
  });

  it("builds a full state from staged parts and swaps it in whole with the last one", async () => {
    const keep = await broker.command({ revision: revision, ops: [] });
    const stage = `s-${randomBytes(4).toString("hex")}`;
    const rev = next();
    const part = (n: number, ops: unknown[]) => broker.command({ revision: rev, stage: { id: stage, part: n, parts: 2 }, ops });
    expect(await part(1, [{ op: "upsertClient", username: "staged-1", clientid: "staged-1", credential: "psk", secret: "cd".repeat(16) }])).toMatchObject({ ok: true, stage: "part 1 of 2 staged", digest: keep.digest, clients: keep.clients });
    expect(await broker.command({ revision: rev, stage: { id: "another", part: 2, parts: 2 }, ops: [] })).toMatchObject({ ok: false, error: expect.stringMatching(/does not follow/) });
    const done = await part(2, [{ op: "upsertClient", username: "staged-2", clientid: "staged-2", credential: "psk", secret: "ef".repeat(16) }]);
    expect(done).toMatchObject({ ok: true, stage: "complete: 2 parts", clients: 2, state: rev });
    expect(done.digest).not.toBe(keep.digest);
  });

  it("comes back from a restart without Fleetward with what it last applied; a journal line cut short is dropped", async () => {
    const id = `kept-${randomBytes(3).toString("hex")}`;
    const password = randomBytes(12).toString("base64url");
    await broker.command({ revision: next(), ops: [{ op: "upsertRole", rolename: "kept", acls: [{ acltype: "publishClientSend", topic: "devices/${clientId}/#", allow: true }] }, { op: "upsertClient", username: id, clientid: id, credential: "password", secret: await mosquittoPasswordHash(password), roles: [{ rolename: "kept" }] }] });
    const before = await broker.command({ revision, ops: [] });
    // A batch whose line a crash cut short, after the last whole one.
    appendFileSync(path.join(broker.dir, "state/journal.jsonl"), `{"revision":${revision + 1},"ops":[{"op":"deleteClient","user`);
    await broker.restart();
    const after = await broker.command({ revision, ops: [] });
    expect(after).toMatchObject({ ok: true, state: revision, digest: before.digest, clients: before.clients });
    expect(pub("tlsPassword", ["-u", id, "-P", password], `devices/${id}/t`)).toMatchObject({ ok: true });
    expect(broker.log()).toMatch(/fleetward: state loaded from .*: revision \d+, \d+ entries and \d+ batches/);
    expect(broker.log()).toMatch(/journal.jsonl ends with \d+ bytes that are not a whole batch/);
  }, 60_000);

  it("reports each login it accepts or refuses and each disconnect, with the exact client id, address and reason", async () => {
    const id = `ev-${randomBytes(3).toString("hex")}`;
    const password = randomBytes(12).toString("base64url");
    const cert = await issueCertificate({ ca: broker.ca, commonName: `${id}-c`, usage: "client", days: 2 });
    await broker.command({
      revision: next(),
      ops: [
        sensorRole("ev-sensor"),
        { op: "upsertClient", username: id, clientid: id, credential: "password", secret: await mosquittoPasswordHash(password), roles: [{ rolename: "ev-sensor" }] },
        { op: "upsertClient", username: `${id}-c`, clientid: `${id}-c`, credential: "cert", roles: [{ rolename: "ev-sensor" }] },
      ],
    });
    expect(pub("tlsPassword", ["-u", id, "-P", password], `devices/${id}/t`).ok).toBe(true);
    const login = await broker.nextEvent((e) => e.kind === "connect" && e.clientId === id);
    expect(login).toMatchObject({ username: id, ip: "127.0.0.1", listener: "password", protocol: "MQTT 5", cleanStart: true });
    // Mosquitto 2.0.11 tells a plugin that a client is gone, not why (its DISCONNECT event's reason is always -1).
    expect(await broker.nextEvent((e) => e.kind === "disconnect" && e.clientId === id)).toMatchObject({ username: id, reason: "disconnected" });

    pub("tlsPassword", ["-u", id, "-P", "wrong"], `devices/${id}/t`);
    expect(await broker.nextEvent((e) => e.kind === "refused" && e.username === id)).toMatchObject({ clientId: id, ip: "127.0.0.1", reason: "wrong password", listener: "password" });
    pub("psk", ["-i", "nobody", "--psk-identity", "nobody", "--psk", "00112233"], "t");
    expect(await broker.nextEvent((e) => e.kind === "refused" && e.username === "nobody")).toMatchObject({ clientId: null, reason: "unknown PSK identity", tls: true, listener: "psk" });

    const certArgs = ["--cert", file(`${id}-c.crt`, cert.certPem), "--key", file(`${id}-c.key`, cert.keyPem)];
    expect(pub("mtls", ["-i", `${id}-c`, ...certArgs], `devices/${id}-c/t`).ok).toBe(true);
    expect(await broker.nextEvent((e) => e.kind === "connect" && e.clientId === `${id}-c`)).toMatchObject({ listener: "cert", certSerial: certificateKey(cert.certPem).split(":")[1] });
    pub("mtls", ["-i", "someone-else", ...certArgs], "t");
    expect(await broker.nextEvent((e) => e.kind === "refused" && e.clientId === "someone-else")).toMatchObject({ username: `${id}-c`, reason: "its client id is not the one it was given" });
    await broker.command({ revision: next(), ops: [{ op: "revoke", key: certificateKey(cert.certPem) }] });
    pub("mtls", ["-i", `${id}-c`, ...certArgs], "t");
    expect(await broker.nextEvent((e) => e.kind === "refused" && e.clientId === `${id}-c`)).toMatchObject({ reason: "certificate revoked" });
  });
});
