import { execFileSync } from "node:child_process";
import { createCipheriv, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { base32Decode, totpCode } from "@/lib/domain/totp";
import type { TActor } from "../../audit";
import { db, disconnectDb } from "../../db";
import { createCa as newCaKeys, issueCertificate } from "../../pki/x509";
import { parseMasterKey, seal, unseal, type TMasterKey } from "../../secrets";
import { testActor, testIp, unique } from "../../testing/fixtures";
import { confirmTwoFactorEnrolment } from "../auth/confirm-two-factor-enrolment";
import { startTwoFactorEnrolment } from "../auth/start-two-factor-enrolment";
import { adminKeyContext } from "../brokers/broker-driver-for";
import { createCa } from "../ca/create-ca";
import { createDevice } from "../devices/create-device";
import { pskContext } from "../devices/device-secrets";
import { commandSigningKey, fleetCa, probePskKey } from "../fleet/fleet-keys";
import { createUser } from "../users/create-user";
import { createWebhook } from "../webhooks/create-webhook";
import { rotateMasterKey } from "./rotate-master-key";
import { columnName, SEALED_COLUMNS } from "./sealed-columns";

// The rotation re-seals every row of the database, other test files' too: the original key is put back at the end.
const ORIGINAL = { current: process.env.FLEETWARD_MASTER_KEY!, previous: process.env.FLEETWARD_MASTER_KEY_PREVIOUS };
const K0 = parseMasterKey(ORIGINAL.current, "FLEETWARD_MASTER_KEY");
const newKey = () => parseMasterKey(randomBytes(32).toString("base64"), "test key");
const K1 = newKey();

function holdKeys(current: TMasterKey, previous?: TMasterKey) {
  process.env.FLEETWARD_MASTER_KEY = current.key.toString("base64");
  if (previous) process.env.FLEETWARD_MASTER_KEY_PREVIOUS = previous.key.toString("base64");
  else delete process.env.FLEETWARD_MASTER_KEY_PREVIOUS;
}

/** A value as Fleetward sealed it before values named their key: "v1:" + base64(iv | tag | ciphertext). */
function sealV1(plaintext: string, context: string, key: TMasterKey): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key.key, iv);
  c.setAAD(Buffer.from(context));
  const body = Buffer.concat([c.update(plaintext, "utf8"), c.final()]);
  return "v1:" + Buffer.concat([iv, c.getAuthTag(), body]).toString("base64");
}

type TStored = { key: string; table: string; id: string; context: string; sealed: string };

/** Every sealed value in the database, keyed "Table.column id". */
async function storedValues(): Promise<TStored[]> {
  const out: TStored[] = [];
  for (const c of SEALED_COLUMNS) {
    const rows = await db.$queryRawUnsafe<{ id: string; sealed: string }[]>(`SELECT "${c.idColumn}"::text AS id, "${c.column}" AS sealed FROM "${c.table}" WHERE "${c.column}" IS NOT NULL`);
    out.push(...rows.map((r) => ({ key: `${columnName(c)} ${r.id}`, table: c.table, id: r.id, context: c.context(r.id), sealed: r.sealed })));
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

const rotations = () => db.auditEvent.count({ where: { action: "system.master_key_rotate" } });

/** One of every kind of sealed secret, made by the services that make them (the broker's as registration seals it). */
async function oneOfEach(actor: TActor) {
  await Promise.all([fleetCa(), commandSigningKey(), probePskKey()]);
  await createCa({ actor, input: { commonName: `Rotation ${unique()}`, algorithm: "ecdsa-p256", validityDays: 365 } });
  const psk = await createDevice({ actor, input: { clientId: `rot-psk-${unique()}`, tags: [], auth: { type: "psk" } } });
  await createWebhook({ actor, input: { name: `rot-${unique()}`, url: "https://hooks.example.com/rotation", events: ["finding.high"] } });

  const enrolled = await createUser({ actor, input: { email: `rot-on-${unique()}@example.com`, role: "OPERATOR" } });
  const asEnrolled: TActor = { type: "user", id: enrolled.user.id, label: enrolled.user.email, ip: testIp(), userAgent: "vitest" };
  const enrolment = await startTwoFactorEnrolment({ actor: asEnrolled, password: enrolled.password });
  await confirmTwoFactorEnrolment({ actor: asEnrolled, code: totpCode(base32Decode(enrolment.secret), Date.now()) });
  const pending = await createUser({ actor, input: { email: `rot-pending-${unique()}@example.com`, role: "OPERATOR" } });
  await startTwoFactorEnrolment({ actor: { ...asEnrolled, id: pending.user.id, label: pending.user.email }, password: pending.password });

  // Registering a broker needs a live one (see rotate-broker-admin-identity.int.test.ts); its row is sealed the same way.
  const ca = await newCaKeys("Rotation broker CA", 30);
  const admin = await issueCertificate({ ca, commonName: "fleetward-admin", usage: "client", days: 30 });
  const brokerId = randomUUID();
  const ports = { admin: 1, tlsPassword: 2, mtls: 3, psk: 4, wss: 5 };
  await db.broker.create({ data: { id: brokerId, name: `rot-${unique()}`, host: "192.0.2.1", ports, caPem: ca.certPem, adminCertPem: admin.certPem, adminKeySealed: seal(admin.keyPem, adminKeyContext(brokerId)), tags: [] } });

  // A value written before sealed values named their key.
  const row = await db.device.findUniqueOrThrow({ where: { id: psk.device.id } });
  await db.device.update({ where: { id: row.id }, data: { pskKeySealed: sealV1(unseal(row.pskKeySealed!, pskContext(row.id)), pskContext(row.id), K0) } });
  return { brokerId, v1Key: `Device.pskKeySealed ${row.id}`, pskKey: (psk.secret as { pskKey: string }).pskKey };
}

let made: Awaited<ReturnType<typeof oneOfEach>>;
let before: TStored[];
let plaintexts: Map<string, string>;
/** The key every value is sealed under now. */
let under: TMasterKey = K0;

async function rotate(current: TMasterKey, previous: TMasterKey) {
  holdKeys(current, previous);
  const result = await rotateMasterKey({ actor: testActor(), newKey: current });
  under = current;
  return result;
}

beforeAll(async () => {
  holdKeys(K0);
  made = await oneOfEach(testActor());
  before = await storedValues();
  plaintexts = new Map(before.map((v) => [v.key, unseal(v.sealed, v.context)]));
});

afterAll(async () => {
  // Put every value back under the original key for the test files that run after this one.
  if (under !== K0) await rotate(K0, under);
  await db.broker.deleteMany({ where: { id: made?.brokerId } });
  holdKeys(K0, ORIGINAL.previous ? parseMasterKey(ORIGINAL.previous, "FLEETWARD_MASTER_KEY_PREVIOUS") : undefined);
  await disconnectDb();
});

describe("master key rotation", () => {
  it("has one of every sealed column to rotate, one of them still v1", () => {
    for (const c of SEALED_COLUMNS) expect(before.some((v) => v.key.startsWith(`${columnName(c)} `)), columnName(c)).toBe(true);
    expect(before.find((v) => v.key === made.v1Key)?.sealed).toMatch(/^v1:/);
    expect(plaintexts.get(made.v1Key)).toBe(made.pskKey);
  });

  it("refuses a new key this process does not seal with yet, writing nothing", async () => {
    holdKeys(K0);
    const audits = await rotations();
    await expect(rotateMasterKey({ actor: testActor(), newKey: K1 })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/is not this process's FLEETWARD_MASTER_KEY/) });
    expect(await storedValues()).toEqual(before);
    expect(await rotations()).toBe(audits);
  });

  it("with the wrong current key, names the first row it cannot open and writes nothing", async () => {
    const [wrongNew, wrongOld] = [newKey(), newKey()];
    holdKeys(wrongNew, wrongOld);
    const audits = await rotations();
    const error = await rotateMasterKey({ actor: testActor(), newKey: wrongNew }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const first = before.find((v) => v.table === "FleetSecret")!;
    expect((error as Error).message).toBe(
      `Cannot unseal FleetSecret ${first.id} (sealed): sealed under master key ${K0.id}, which this process does not hold (it holds ${wrongNew.id}, ${wrongOld.id}): give it that key as FLEETWARD_MASTER_KEY_PREVIOUS. Nothing was changed.`,
    );
    for (const secret of plaintexts.values()) expect((error as Error).message).not.toContain(secret);
    expect(await storedValues()).toEqual(before);
    expect(await rotations()).toBe(audits);
  });

  it("re-seals every value under the new key in one audited step; the old key alone opens none of them", async () => {
    const result = await rotate(K1, K0);
    expect(result.keyId).toBe(K1.id);
    expect(result.total).toBe(before.length);
    for (const c of SEALED_COLUMNS) expect(result.counts[columnName(c)], columnName(c)).toBe(before.filter((v) => v.key.startsWith(`${columnName(c)} `)).length);

    const after = await storedValues();
    expect(after.map((v) => v.key)).toEqual(before.map((v) => v.key));
    for (const v of after) expect(v.sealed.startsWith(`v2:${K1.id}:`), v.key).toBe(true);

    holdKeys(K1);
    for (const v of after) expect(unseal(v.sealed, v.context), v.key).toBe(plaintexts.get(v.key));
    // The services read them with the new key alone.
    expect((await fleetCa()).keyPem).toBe(plaintexts.get("FleetSecret.sealed fleet-ca"));

    holdKeys(K0);
    for (const v of after) expect(() => unseal(v.sealed, v.context), v.key).toThrow(`sealed under master key ${K1.id}, which this process does not hold`);

    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "system.master_key_rotate" }, orderBy: { id: "desc" } });
    expect(event.details).toEqual({ keyId: K1.id, counts: result.counts, total: before.length });
    const recorded = JSON.stringify(event, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    for (const secret of [K0.key.toString("base64"), K1.key.toString("base64"), ...plaintexts.values()]) expect(recorded).not.toContain(secret);
  });

  it("fleetward keys rotate-master reads the new key from a file and prints counts, never a key", async () => {
    const K3 = newKey();
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "fleetward-key-")), "master-key.new");
    writeFileSync(file, `${K3.key.toString("base64")}\n`, { mode: 0o600 });
    const env = { ...process.env, FLEETWARD_MASTER_KEY: K3.key.toString("base64"), FLEETWARD_MASTER_KEY_PREVIOUS: under.key.toString("base64") };
    const root = path.resolve(import.meta.dirname, "../../../..");
    const out = execFileSync("node", [path.join(root, "bin/fleetward.mjs"), "keys", "rotate-master", "--new-key-file", file], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    under = K3;
    expect(out).toContain(`Re-sealed ${before.length} secret(s) under master key ${K3.id} in one transaction:`);
    expect(out).toMatch(/Device\.pskKeySealed\s+\d+/);
    for (const secret of [K3.key.toString("base64"), K1.key.toString("base64"), ...plaintexts.values()]) expect(out).not.toContain(secret);
    holdKeys(K3);
    const v = (await storedValues()).find((s) => s.key === made.v1Key)!;
    expect(unseal(v.sealed, v.context)).toBe(made.pskKey);
  });

  it("opens values sealed under the previous key through FLEETWARD_MASTER_KEY_PREVIOUS, and rotates again", async () => {
    const K2 = newKey();
    const v = (await storedValues()).find((s) => s.key === made.v1Key)!;
    holdKeys(K2, under);
    expect(unseal(v.sealed, v.context)).toBe(made.pskKey);
    expect((await rotate(K2, under)).total).toBe(before.length);
    holdKeys(K2);
    expect(unseal((await storedValues()).find((s) => s.key === made.v1Key)!.sealed, v.context)).toBe(made.pskKey);
  });
});
