import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { MqttClient } from "mqtt";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { simulateAccess } from "@/lib/server/services/acl/simulate-access";
import { createCa } from "@/lib/server/services/ca/create-ca";
import { findCas } from "@/lib/server/services/ca/find-cas";
import { importCa } from "@/lib/server/services/ca/import-ca";
import { cancelDeviceBatch } from "@/lib/server/services/devices/cancel-device-batch";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { createDevicesBulk } from "@/lib/server/services/devices/create-devices-bulk";
import { getDeviceBatch } from "@/lib/server/services/devices/get-device-batch";
import { revokeDevice } from "@/lib/server/services/devices/revoke-device";
import { rotateDeviceCredential } from "@/lib/server/services/devices/rotate-device-credential";
import { updateDevice } from "@/lib/server/services/devices/update-device";
import { validateBulkDevices } from "@/lib/server/services/devices/validate-bulk-devices";
import { testActor, unique } from "@/lib/server/testing/fixtures";
import { connectPsk } from "./testing/psk-client";
import { connectDevice, eventually, type TTestFleet } from "./testing/test-fleet";
import { fleetSuite } from "./testing/fleet-suite";

let tmp: string;
const actor = testActor();

const suite = fleetSuite(3);
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "fleetward-dev-"));
});

const caFile = () => {
  const f = path.join(tmp, "ca.crt");
  writeFileSync(f, suite.fleet.caPem);
  return f;
};

/** Debian's mosquitto_pub with whatever credential flags; true when it connected and published (QoS 1). */
function pub(port: number, clientId: string, flags: string[]): boolean {
  try {
    execFileSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(port), "-i", clientId, "-t", `devices/${clientId}/t`, "-m", "x", "-q", "1", "-V", "mqttv5", ...flags], { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

async function everywhere(check: (b: TTestFleet["brokers"][number]) => boolean, what: string) {
  for (const b of suite.fleet.brokers) await eventually(() => check(b), `${what} on ${b.name}`, 30_000, 200);
}

describe("device credentials against the real fleet", () => {
  it("X.509 from a CSR (key never leaves the device): connects with mosquitto_pub; revoked, it is cut off and refused", async () => {
    const clientId = `cert-${unique()}`;
    const key = path.join(tmp, `${clientId}.key`);
    const csr = execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-subj", `/CN=${clientId}`], { encoding: "utf8" });
    const created = await createDevice({ actor, input: { clientId, tags: [], auth: { type: "x509", csrPem: csr } } });
    expect(created.secret.keyPem).toBeUndefined();
    const cert = path.join(tmp, `${clientId}.crt`);
    writeFileSync(cert, created.secret.certPem!);
    expect(created.endpoints.filter((e) => e.listener === "mtls" && e.broker.startsWith(suite.fleet.prefix))).toHaveLength(3);
    const flags = ["--cafile", caFile(), "--cert", cert, "--key", key];
    await everywhere((b) => pub(b.ports.mtls, clientId, flags), "certificate login");

    const sessions = await Promise.all(suite.fleet.brokers.map((b) => connectDevice(b.ports.mtls, suite.fleet.caPem, { clientId, cert: created.secret.certPem!, key: readKey(key) })));
    const closed = sessions.map((c) => new Promise<void>((r) => c.once("close", () => r())));
    await revokeDevice({ actor, id: created.device.id });
    await Promise.all(closed);
    await everywhere((b) => !pub(b.ports.mtls, clientId, flags), "refusal of the revoked certificate");
    const crl = (await db.fleetState.findUniqueOrThrow({ where: { id: 1 } })).crlPem!;
    expect(execFileSync("openssl", ["crl", "-noout", "-text"], { input: crl, encoding: "utf8" }).toUpperCase()).toContain(
      (await db.certificate.findFirstOrThrow({ where: { deviceId: created.device.id } })).serial.toUpperCase(),
    );
  }, 120_000);

  it("TLS-PSK and password devices revoked: their open sessions on every broker are closed and they are refused", async () => {
    const psk = await createDevice({ actor, input: { clientId: `rv-psk-${unique()}`, tags: [], auth: { type: "psk" } } });
    const pw = await createDevice({ actor, input: { clientId: `rv-pw-${unique()}`, tags: [], auth: { type: "password" } } });
    const pskFlags = ["--psk-identity", psk.device.clientId, "--psk", psk.secret.pskKey!];
    const pwFlags = ["--cafile", caFile(), "-u", pw.device.clientId, "-P", pw.secret.password!];
    await everywhere((b) => pub(b.ports.psk, psk.device.clientId, pskFlags) && pub(b.ports.tlsPassword, pw.device.clientId, pwFlags), "both devices usable");
    const sessions = await Promise.all(
      suite.fleet.brokers.flatMap((b) => [
        connectPsk(b.ports.psk, psk.device.clientId, psk.secret.pskKey!),
        connectDevice(b.ports.tlsPassword, suite.fleet.caPem, { clientId: pw.device.clientId, username: pw.device.clientId, password: pw.secret.password! }),
      ]),
    );
    const closed = Promise.all(sessions.map((c) => new Promise<void>((r) => c.once("close", () => r()))));
    await revokeDevice({ actor, id: psk.device.id });
    await revokeDevice({ actor, id: pw.device.id });
    await closed;
    await everywhere((b) => !pub(b.ports.psk, psk.device.clientId, pskFlags), "refusal of the revoked PSK");
    await everywhere((b) => !pub(b.ports.tlsPassword, pw.device.clientId, pwFlags), "refusal of the revoked password");
    expect(await db.device.findUniqueOrThrow({ where: { id: psk.device.id } })).toMatchObject({ pskKeySealed: null, pskIdentity: null });
  }, 120_000);

  it("X.509 with a generated key, TLS-PSK and password: each connects; rotated, the old secret is refused and the new one works", async () => {
    const x = await createDevice({ actor, input: { clientId: `gen-${unique()}`, tags: [], auth: { type: "x509" } } });
    const [cert, key] = [path.join(tmp, "gen.crt"), path.join(tmp, "gen.key")];
    writeFileSync(cert, x.secret.certPem!);
    writeFileSync(key, x.secret.keyPem!);
    await everywhere((b) => pub(b.ports.mtls, x.device.clientId, ["--cafile", caFile(), "--cert", cert, "--key", key]), "generated-key login");

    const p = await createDevice({ actor, input: { clientId: `psk-${unique()}`, tags: [], auth: { type: "psk" } } });
    expect(p.secret.pskKey).toMatch(/^[0-9a-f]{64}$/);
    const pskFlags = (k: string) => ["--psk-identity", p.device.clientId, "--psk", k];
    await everywhere((b) => pub(b.ports.psk, p.device.clientId, pskFlags(p.secret.pskKey!)), "PSK login");
    const rotated = await rotateDeviceCredential({ actor, id: p.device.id });
    await everywhere((b) => pub(b.ports.psk, p.device.clientId, pskFlags(rotated.secret.pskKey!)), "the new PSK");
    for (const b of suite.fleet.brokers) expect(pub(b.ports.psk, p.device.clientId, pskFlags(p.secret.pskKey!))).toBe(false);

    const w = await createDevice({ actor, input: { clientId: `pw-${unique()}`, tags: [], auth: { type: "password" } } });
    const pwFlags = (pw: string) => ["--cafile", caFile(), "-u", w.device.clientId, "-P", pw];
    await everywhere((b) => pub(b.ports.tlsPassword, w.device.clientId, pwFlags(w.secret.password!)), "password login");
    const next = await rotateDeviceCredential({ actor, id: w.device.id });
    await everywhere((b) => pub(b.ports.tlsPassword, w.device.clientId, pwFlags(next.secret.password!)), "the new password");
    for (const b of suite.fleet.brokers) expect(pub(b.ports.tlsPassword, w.device.clientId, pwFlags(w.secret.password!))).toBe(false);
  }, 120_000);

  it("a disabled certificate device can connect but do nothing; enabled again, it works", async () => {
    const x = await createDevice({ actor, input: { clientId: `off-${unique()}`, tags: [], auth: { type: "x509" } } });
    const b = suite.fleet.brokers[0]!;
    await eventually(async () => (await connectDevice(b.ports.mtls, suite.fleet.caPem, { clientId: x.device.clientId, cert: x.secret.certPem!, key: x.secret.keyPem! })).endAsync().then(() => true), "login");
    await updateDevice({ actor, id: x.device.id, input: { disabled: true } });
    await eventually(async () => {
      const c = await connectDevice(b.ports.mtls, suite.fleet.caPem, { clientId: x.device.clientId, cert: x.secret.certPem!, key: x.secret.keyPem! });
      const outcome = await publishOutcome(c, `devices/${x.device.clientId}/t`);
      await c.endAsync(true);
      return outcome === "refused";
    }, "publish refused while disabled");
    await updateDevice({ actor, id: x.device.id, input: { disabled: false } });
    await eventually(async () => {
      const c = await connectDevice(b.ports.mtls, suite.fleet.caPem, { clientId: x.device.clientId, cert: x.secret.certPem!, key: x.secret.keyPem! });
      const outcome = await publishOutcome(c, `devices/${x.device.clientId}/t`);
      await c.endAsync(true);
      return outcome === "accepted";
    }, "publish allowed once enabled");
  }, 120_000);

  it("refuses bad CSRs with the reason and writes nothing", async () => {
    const clientId = `bad-${unique()}`;
    const other = execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=someone-else"], { encoding: "utf8" });
    const tampered = other.replace(/(-----BEGIN CERTIFICATE REQUEST-----\n)(.{20})(.)/, (_m, a: string, b: string, c: string) => a + b + (c === "A" ? "B" : "A"));
    for (const [csrPem, reason] of [[other, /CN "someone-else"/], ["not a csr", /not a PEM certificate signing request/], [tampered, /signature|not a PEM/]] as const) {
      const err = await createDevice({ actor, input: { clientId, tags: [], auth: { type: "x509", csrPem } } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).fields?.["auth.csrPem"]).toMatch(reason);
    }
    expect(await db.device.count({ where: { clientId } })).toBe(0);
  }, 60_000);
});

describe("bulk import against the real fleet", () => {
  const csrFor = (clientId: string) =>
    execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(tmp, `${clientId}.key`), "-subj", `/CN=${clientId}`], { encoding: "utf8" });

  it("reports every bad row and writes nothing when one row is bad", async () => {
    const taken = await createDevice({ actor, input: { clientId: `taken-${unique()}`, tags: [], auth: { type: "password" } } });
    const ok = `ok-${unique()}`;
    const rows = [
      { clientId: ok, auth: { type: "password" } },
      { clientId: "bad/id", auth: { type: "psk" } },
      { clientId: ok, auth: { type: "psk" } },
      { clientId: taken.device.clientId, auth: { type: "password" } },
      { clientId: `csr-${unique()}`, auth: { type: "x509", csrPem: csrFor("someone-else") } },
    ];
    const [devices, batches, events] = await Promise.all([db.device.count(), db.deviceBatch.count(), db.auditEvent.count()]);
    const err = await createDevicesBulk({ actor, input: { devices: rows } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("UNPROCESSABLE");
    expect((err as AppError).fields).toEqual({
      "devices.1.clientId": expect.stringMatching(/wildcards|separator/),
      "devices.2.clientId": "repeats the client id of devices.0",
      "devices.3.clientId": "is already in use",
      "devices.4.auth.csrPem": expect.stringMatching(/CN "someone-else"/),
    });
    expect([await db.device.count(), await db.deviceBatch.count(), await db.auditEvent.count()]).toEqual([devices, batches, events]);
    const checked = await validateBulkDevices({ devices: rows });
    expect(checked.ok ? [] : checked.errors.map((e) => e.row)).toEqual([1, 2, 3, 4]);
  }, 60_000);

  it("commits all rows, pushes them to every broker, and a cancelled import is removed everywhere", async () => {
    const run = unique();
    const csrId = `bulk-csr-${run}`;
    const created = await createDevicesBulk({
      actor,
      input: {
        devices: [
          { clientId: `bulk-pw-${run}`, tags: ["bulk"], auth: { type: "password" } },
          { clientId: `bulk-psk-${run}`, auth: { type: "psk" } },
          { clientId: csrId, name: "From a CSR", auth: { type: "x509", csrPem: csrFor(csrId) } },
        ],
      },
    });
    expect(created.batch.count).toBe(3);
    const [pw, psk, cert] = created.devices;
    await eventually(async () => (await getDeviceBatch(created.batch.id)).status === "done", "the import applied on every broker", 30_000);
    const certFile = path.join(tmp, `${csrId}.crt`);
    writeFileSync(certFile, cert!.secret.certPem!);
    const caf = caFile();
    for (const b of suite.fleet.brokers) {
      expect(pub(b.ports.tlsPassword, pw!.clientId, ["--cafile", caf, "-u", pw!.clientId, "-P", pw!.secret.password!]), `password on ${b.name}`).toBe(true);
      expect(pub(b.ports.psk, psk!.clientId, ["--psk-identity", psk!.secret.pskIdentity!, "--psk", psk!.secret.pskKey!]), `psk on ${b.name}`).toBe(true);
      expect(pub(b.ports.mtls, csrId, ["--cafile", caf, "--cert", certFile, "--key", path.join(tmp, `${csrId}.key`)]), `certificate on ${b.name}`).toBe(true);
    }
    const session = await connectDevice(suite.fleet.brokers[0]!.ports.mtls, suite.fleet.caPem, { clientId: csrId, cert: cert!.secret.certPem!, key: readKey(path.join(tmp, `${csrId}.key`)) });
    const closed = new Promise<void>((r) => session.once("close", () => r()));

    const cancelled = await cancelDeviceBatch({ actor, id: created.batch.id });
    expect(cancelled.remaining).toBe(0);
    await closed;
    await eventually(async () => (await getDeviceBatch(created.batch.id)).status === "cancelled", "the cancellation applied on every broker", 30_000);
    await everywhere((b) => !pub(b.ports.tlsPassword, pw!.clientId, ["--cafile", caf, "-u", pw!.clientId, "-P", pw!.secret.password!]), "refusal of the cancelled password device");
    await everywhere((b) => !pub(b.ports.mtls, csrId, ["--cafile", caf, "--cert", certFile, "--key", path.join(tmp, `${csrId}.key`)]), "refusal of the cancelled certificate");
    expect(await db.device.count({ where: { batchId: created.batch.id } })).toBe(0);
    expect(await db.certificate.findFirstOrThrow({ where: { subject: `CN=${csrId}` } })).toMatchObject({ revocationReason: "import cancelled", revokedAt: expect.any(Date) });
  }, 120_000);
});

/** QoS 1 publish: accepted, refused (PUBACK with an error), or closed (the broker ended the session instead of answering). */
function publishOutcome(c: MqttClient, topic: string): Promise<"accepted" | "refused" | "closed"> {
  if (!c.connected) return Promise.resolve("closed");
  return new Promise((resolve) => {
    const onClose = () => resolve("closed");
    c.once("close", onClose);
    void c.publishAsync(topic, "1", { qos: 1 }).then(
      () => (c.off("close", onClose), resolve("accepted")),
      () => (c.off("close", onClose), resolve(c.connected ? "refused" : "closed")),
    );
  });
}

function readKey(file: string): string {
  return execFileSync("cat", [file], { encoding: "utf8" });
}

describe("device CAs against the real fleet", () => {
  const certFlags = (clientId: string, certPem: string, keyPem: string) => {
    writeFileSync(path.join(tmp, `${clientId}.crt`), certPem);
    writeFileSync(path.join(tmp, `${clientId}.key`), keyPem);
    return ["--cafile", caFile(), "--cert", path.join(tmp, `${clientId}.crt`), "--key", path.join(tmp, `${clientId}.key`)];
  };
  const issuerOf = (pem: string) => execFileSync("openssl", ["x509", "-noout", "-issuer"], { input: pem, encoding: "utf8" });

  it("a created RSA 3072 CA signs new device certificates that every broker accepts without a restart; earlier ones keep working; revocation works per CA", async () => {
    const before = await createDevice({ actor, input: { clientId: `pre-ca-${unique()}`, tags: [], auth: { type: "x509" } } });
    const beforeFlags = certFlags(before.device.clientId, before.secret.certPem!, before.secret.keyPem!);
    const ca = await createCa({ actor, input: { commonName: `Rollover ${unique()}`, algorithm: "rsa-3072", validityDays: 400 } });
    expect(ca).toMatchObject({ source: "CREATED", issuing: true, keyType: "RSA", keyBits: 3072 });
    expect((await findCas()).items.filter((c) => c.issuing).map((c) => c.id)).toEqual([ca.id]);

    const clientId = `rsa-ca-${unique()}`;
    const key = path.join(tmp, `${clientId}.key`);
    const csr = execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-subj", `/CN=${clientId}`], { encoding: "utf8" });
    const d = await createDevice({ actor, input: { clientId, tags: [], auth: { type: "x509", csrPem: csr } } });
    expect(issuerOf(d.secret.certPem!)).toContain(ca.commonName);
    const flags = certFlags(clientId, d.secret.certPem!, readKey(key));
    await everywhere((b) => pub(b.ports.mtls, clientId, flags), "a certificate from the new CA");
    for (const b of suite.fleet.brokers) expect(pub(b.ports.mtls, before.device.clientId, beforeFlags), `fleet CA device on ${b.name}`).toBe(true);

    await revokeDevice({ actor, id: d.device.id });
    await everywhere((b) => !pub(b.ports.mtls, clientId, flags), "refusal of the revoked certificate of the new CA");
    for (const b of suite.fleet.brokers) expect(pub(b.ports.mtls, before.device.clientId, beforeFlags), `fleet CA device still on ${b.name}`).toBe(true);
    const crl = (await db.certificateAuthority.findUniqueOrThrow({ where: { id: ca.id } })).crlPem;
    expect(execFileSync("openssl", ["crl", "-noout", "-text"], { input: crl, encoding: "utf8" }).toUpperCase()).toContain(
      (await db.certificate.findFirstOrThrow({ where: { deviceId: d.device.id } })).serial.toUpperCase(),
    );
  }, 180_000);

  it("imports an OpenSSL root CA after checking it; bad imports name the field and write nothing", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "fleetward-import-"));
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-days", "365", "-subj", `/CN=Imported ${unique()}`, "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", "ca.key", "-out", "ca.crt");
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "365", "-subj", "/CN=leaf", "-addext", "basicConstraints=critical,CA:FALSE", "-keyout", "leaf.key", "-out", "leaf.crt");
    openssl("pkey", "-in", "ca.key", "-aes256", "-passout", "pass:secret", "-out", "ca-encrypted.key");
    const read = (f: string) => execFileSync("cat", [path.join(dir, f)], { encoding: "utf8" });
    const cases: [string, string, string, RegExp][] = [
      ["leaf.crt", "leaf.key", "certPem", /not a CA certificate/],
      ["ca.crt", "leaf.key", "keyPem", /does not belong to the certificate/],
      ["ca.crt", "ca-encrypted.key", "keyPem", /encrypted/],
      ["ca.key", "ca.key", "certPem", /not a PEM certificate/],
    ];
    const count = await db.certificateAuthority.count();
    for (const [cert, key, field, reason] of cases) {
      const err = await importCa({ actor, input: { certPem: read(cert), keyPem: read(key) } }).catch((e: unknown) => e);
      expect(err, `${cert} + ${key}`).toBeInstanceOf(AppError);
      expect((err as AppError).fields?.[field], `${cert} + ${key}`).toMatch(reason);
    }
    expect(await db.certificateAuthority.count()).toBe(count);

    const ca = await importCa({ actor, input: { certPem: read("ca.crt"), keyPem: read("ca.key") } });
    expect(ca).toMatchObject({ source: "IMPORTED", issuing: true, keyType: "EC P-384" });
    const again = await importCa({ actor, input: { certPem: read("ca.crt"), keyPem: read("ca.key") } }).catch((e: unknown) => e);
    expect((again as AppError).code).toBe("CONFLICT");
    const d = await createDevice({ actor, input: { clientId: `imported-ca-${unique()}`, tags: [], auth: { type: "x509" } } });
    expect(issuerOf(d.secret.certPem!)).toContain(ca.commonName);
    const flags = certFlags(d.device.clientId, d.secret.certPem!, d.secret.keyPem!);
    await everywhere((b) => pub(b.ports.mtls, d.device.clientId, flags), "a certificate from the imported CA");
  }, 120_000);
});

describe("access simulator for stored devices against the fleet", () => {
  it("predicts what every broker enforces for a device, and names the deciding acl_file line", async () => {
    const d = await createDevice({ actor, input: { clientId: `sim-${unique()}`, tags: [], auth: { type: "password" } } });
    const topics = [`devices/${d.device.clientId}/t`, `devices/other-${unique()}/t`, "a/b"];
    for (const b of suite.fleet.brokers) {
      const c = await eventually(() => connectDevice(b.ports.tlsPassword, suite.fleet.caPem, { clientId: d.device.clientId, username: d.device.clientId, password: d.secret.password! }).catch(() => null), `a connection to ${b.name}`, 30_000, 200);
      try {
        for (const topic of topics) {
          const predicted = await simulateAccess({ deviceId: d.device.id, action: "publish", topic }, { actor });
          const actual = await publishOutcome(c, topic);
          expect(actual, `${topic} on ${b.name}: ${JSON.stringify(predicted.decidedBy)}`).toBe(predicted.allowed ? "accepted" : "refused");
        }
      } finally {
        await c.endAsync(true);
      }
    }
    expect(await simulateAccess({ deviceId: d.device.id, action: "publish", topic: topics[0]! }, { actor })).toMatchObject({ allowed: true, model: "acl_file", decidedBy: { kind: "rule", source: "pattern", text: "pattern readwrite devices/%c/#" } });
    expect(await simulateAccess({ deviceId: d.device.id, action: "receive", topic: topics[1]! }, { actor })).toMatchObject({ allowed: false, decidedBy: { kind: "none" } });
    await revokeDevice({ actor, id: d.device.id });
    expect(await simulateAccess({ deviceId: d.device.id, action: "publish", topic: topics[0]! }, { actor })).toMatchObject({ allowed: false, decidedBy: { kind: "connection" } });
  }, 120_000);
});
