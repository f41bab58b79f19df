import { execFile, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import tls from "node:tls";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { probeBrokerTls } from "@/lib/server/services/brokers/probe-broker-tls";
import { testActor, unique } from "@/lib/server/testing/fixtures";
import { connectAdmin } from "./admin-channel";
import { eventually } from "./testing/test-fleet";
import { fleetSuite } from "./testing/fleet-suite";
import { helloWatcher, pskClientHello, sendHello, type TPskKexMode } from "./testing/tls13-psk-hello";

const actor = testActor();
const suite = fleetSuite(1);
const run = promisify(execFile);

/** A PSK device every broker of the suite knows; returns its identity and key. */
async function pskDevice() {
  const { device, secret } = await createDevice({ actor, input: { clientId: `psk13-${unique()}`, tags: [], auth: { type: "psk" } } });
  const id = device.clientId;
  const port = suite.fleet.brokers[0]!.ports.psk;
  await eventually(() => tlsConnect(port, id, secret.pskKey!, {}).then((s) => (s.destroy(), true)), "the broker to know the PSK", 30_000, 200);
  return { id, keyHex: secret.pskKey! };
}

function tlsConnect(port: number, identity: string, keyHex: string, o: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: "127.0.0.1", port, pskCallback: () => ({ identity, psk: Buffer.from(keyHex, "hex") }), checkServerIdentity: () => undefined, ...o });
    s.once("secureConnect", () => resolve(s));
    s.once("error", reject);
  });
}

const pskFlags = (d: { id: string; keyHex: string }) => ["-i", d.id, "--psk-identity", d.id, "--psk", d.keyHex, "-V", "mqttv5"];

describe("the PSK listener of a real broker", () => {
  it("negotiates TLS 1.3 with an X25519 key exchange, as the TLS probe reports, and TLS 1.2 only with ECDHE-PSK", async () => {
    const row = await db.broker.findUniqueOrThrow({ where: { name: suite.fleet.brokers[0]!.name } });
    const { listeners } = await probeBrokerTls(row.id);
    for (const { listener, posture } of listeners) {
      expect(posture.negotiated, listener).toMatchObject({ protocol: "TLSv1.3", keyExchange: expect.stringMatching(/^ECDH X25519/), forwardSecret: true });
    }
    const psk = listeners.find((l) => l.listener === "psk")!.posture;
    expect(psk.negotiated).toEqual({ protocol: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", keyExchange: "ECDH X25519 + PSK", forwardSecret: true });
    expect(psk.accepted).toEqual({ TLSv1: "refused", "TLSv1.1": "refused", "TLSv1.2": "accepted", "TLSv1.3": "accepted" });
    expect(psk.detail["TLSv1.2"]).toMatch(/^TLS_ECDHE_PSK_WITH_/);
  }, 60_000);

  it("gives a TLS 1.2 device an ECDHE-PSK suite, refuses one offering plain PSK only, and TLS 1.3 with a SHA-384 suite", async () => {
    const d = await pskDevice();
    const port = suite.fleet.brokers[0]!.ports.psk;
    // Offering every PSK suite, plain PSK included: the broker picks an ephemeral one.
    const s = await tlsConnect(port, d.id, d.keyHex, { ciphers: "PSK", maxVersion: "TLSv1.2" });
    expect([s.getProtocol(), s.getCipher().standardName, s.getEphemeralKeyInfo()]).toEqual(["TLSv1.2", expect.stringMatching(/^TLS_ECDHE_PSK_WITH_/), expect.objectContaining({ name: "X25519" })]);
    s.destroy();
    await expect(tlsConnect(port, d.id, d.keyHex, { ciphers: "kPSK", maxVersion: "TLSv1.2" })).rejects.toThrow(/handshake failure/);
    // A psk_file key is a SHA-256 key in TLS 1.3.
    await expect(tlsConnect(port, d.id, d.keyHex, { ciphers: "TLS_AES_256_GCM_SHA384", minVersion: "TLSv1.3" })).rejects.toThrow(/handshake failure/);
  }, 60_000);

  it("answers a TLS 1.3 PSK offer with a key share of its own, and refuses a client that wants psk_ke (no DHE)", async () => {
    const d = await pskDevice();
    const port = suite.fleet.brokers[0]!.ports.psk;
    const hello = (modes: TPskKexMode[], keyShare: boolean, key = Buffer.from(d.keyHex, "hex")) => sendHello(port, pskClientHello({ identity: d.id, key, modes, keyShare }));
    const dhe = { kind: "hello", version: "TLSv1.3", suite: "TLS_AES_128_GCM_SHA256", keyShare: "X25519", pskSelected: true, retry: false };
    expect(await hello(["psk_dhe_ke"], true)).toEqual(dhe);
    // Offered both, it picks DHE.
    expect(await hello(["psk_ke", "psk_dhe_ke"], true)).toEqual(dhe);
    // Never PSK alone: missing_extension (109) with no key share to use, handshake_failure (40) when psk_ke is all
    // it may use (it ignores the PSK, and has no certificate to offer instead).
    expect(await hello(["psk_ke"], false)).toEqual({ kind: "alert", description: 109 });
    expect(await hello(["psk_ke", "psk_dhe_ke"], false)).toEqual({ kind: "alert", description: 109 });
    expect(await hello(["psk_ke"], true)).toEqual({ kind: "alert", description: 40 });
    // The binder is checked: these answers are about the modes, not a malformed offer (illegal_parameter, 47).
    expect(await hello(["psk_dhe_ke"], true, Buffer.alloc(32, 1))).toEqual({ kind: "alert", description: 47 });

    // OpenSSL's own client, told it may accept psk_ke, gets DHE too.
    const stdout = execFileSync("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-tls1_3", "-allow_no_dhe_kex", "-psk_identity", d.id, "-psk", d.keyHex], { input: "", encoding: "utf8", stdio: ["pipe", "pipe", "ignore"], timeout: 10_000 });
    expect(stdout).toMatch(/Server Temp Key: X25519/);
    expect(stdout).toMatch(/TLSv1\.3, Cipher is TLS_AES_128_GCM_SHA256/);
  }, 60_000);

  it("lets mosquitto_pub and mosquitto_sub with --psk connect over TLS 1.3, by default and with --tls-version tlsv1.3", async () => {
    const d = await pskDevice();
    const b = suite.fleet.brokers[0]!;
    const file = (f: string) => readFileSync(path.join(suite.fleet.dir, "admin", f), "utf8");
    const admin = await connectAdmin({ name: b.name, host: "127.0.0.1", adminPort: b.ports.admin, caPem: file("ca.crt"), adminCertPem: file("admin.crt"), adminKeyPem: file("admin.key") });
    const seen: string[] = [];
    admin.on("message", (_t, p) => seen.push(String(p)));
    await admin.subscribeAsync(`devices/${d.id}/#`);
    // Through a relay that reads each handshake's ServerHello: the clients themselves do not say.
    const watcher = await helloWatcher(b.ports.psk);
    try {
      const mqtt = (cmd: string, ...args: string[]) => run(cmd, ["-h", "127.0.0.1", "-p", String(watcher.port), ...pskFlags(d), "-t", `devices/${d.id}/t`, ...args], { timeout: 10_000 });
      await mqtt("mosquitto_pub", "-m", "default", "-q", "1");
      await mqtt("mosquitto_pub", "-m", "tls13", "-q", "1", "--tls-version", "tlsv1.3");
      await mqtt("mosquitto_sub", "-E"); // exits once subscribed
      await eventually(() => seen.length === 2, "both messages at the admin channel");
      expect(seen).toEqual(["default", "tls13"]);
      const tls13 = { kind: "hello", version: "TLSv1.3", suite: "TLS_AES_128_GCM_SHA256", keyShare: "X25519", pskSelected: true, retry: false };
      expect(watcher.answers).toEqual([tls13, tls13, tls13]);
    } finally {
      await watcher.close();
      await admin.endAsync();
    }
  }, 60_000);
});
