import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { base32Decode, totpCode } from "@/lib/domain/totp";
import type { TActor } from "./audit";
import { db, disconnectDb } from "./db";
import { confirmTwoFactorEnrolment } from "./services/auth/confirm-two-factor-enrolment";
import { signInWithPassword } from "./services/auth/sign-in-with-password";
import { startTwoFactorEnrolment } from "./services/auth/start-two-factor-enrolment";
import { importCa } from "./services/ca/import-ca";
import { createDevice } from "./services/devices/create-device";
import { rotateDeviceCredential } from "./services/devices/rotate-device-credential";
import { mintLiveCredential } from "./services/live/mint-live-credential";
import { createToken } from "./services/tokens/create-token";
import { createUser } from "./services/users/create-user";
import { resetUserPassword } from "./services/users/reset-user-password";
import { createWebhook } from "./services/webhooks/create-webhook";
import { testActor, testIp, unique } from "./testing/fixtures";

afterAll(() => disconnectDb());

/** Every row of every table in every schema Fleetward writes (its own and the job queue's), as JSON text. */
async function dumpDatabase(): Promise<string> {
  const tables = await db.$queryRaw<{ schema: string; name: string }[]>`
    SELECT table_schema::text AS schema, table_name::text AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`;
  const parts: string[] = [];
  for (const t of tables) {
    const rows = await db.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(t)::text AS row FROM "${t.schema}"."${t.name}" t`);
    parts.push(...rows.map((r) => `${t.schema}.${t.name} ${r.row}`));
  }
  return parts.join("\n");
}

/** A root CA made by OpenSSL with its unencrypted key, as an operator would import one. */
function opensslCa(): { certPem: string; keyPem: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fleetward-secrets-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj", `/CN=Secrets ${unique()}`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    "-keyout", path.join(dir, "ca.key"), "-out", path.join(dir, "ca.crt")], { stdio: "ignore" });
  return { certPem: readFileSync(path.join(dir, "ca.crt"), "utf8"), keyPem: readFileSync(path.join(dir, "ca.key"), "utf8") };
}

/** The base64 body of a PEM block: its first line is in any copy of the key, however it is stored. */
const pemBody = (pem: string) => pem.replace(/-----[^-]+-----/g, "").replace(/\s/g, "");

describe("secrets at rest", () => {
  it("no secret Fleetward hands out or is given appears in the database in plaintext", async () => {
    const actor = testActor();
    const secrets: Record<string, string> = {};

    const email = `secrets-${unique()}@example.com`;
    const created = await createUser({ actor, input: { email, role: "OPERATOR" } });
    secrets["first password"] = created.password;
    const { password } = await resetUserPassword({ actor, id: created.user.id });
    secrets["reset password"] = password;
    const userActor: TActor = { type: "user", id: created.user.id, label: email, ip: testIp(), userAgent: null };
    // A wrong password typed at the login page is not kept either.
    secrets["mistyped password"] = `Mistyped-${unique()}-${unique()}`;
    await signInWithPassword({ email, password: secrets["mistyped password"], ip: testIp(), userAgent: null });
    expect((await signInWithPassword({ email, password, ip: testIp(), userAgent: null })).ok).toBe(true);

    const enrolment = await startTwoFactorEnrolment({ actor: userActor, password });
    secrets["TOTP key"] = enrolment.secret;
    const { recoveryCodes } = await confirmTwoFactorEnrolment({ actor: userActor, code: totpCode(base32Decode(enrolment.secret), Date.now()) });
    recoveryCodes.forEach((c, i) => (secrets[`recovery code ${i}`] = c));

    const token = await createToken({ actor, input: { name: `secrets-${unique()}`, role: "OPERATOR" } });
    secrets["API token"] = token.secret;
    const live = await mintLiveCredential({ actor: { ...actor, type: "token", id: token.token.id, label: token.token.name }, role: "OPERATOR", sessionId: null });
    secrets["live credential password"] = live.password;

    const pw = await createDevice({ actor, input: { clientId: `sec-pw-${unique()}`, tags: [], auth: { type: "password" } } });
    secrets["device password"] = (pw.secret as { password: string }).password;
    const psk = await createDevice({ actor, input: { clientId: `sec-psk-${unique()}`, tags: [], auth: { type: "psk" } } });
    secrets["device PSK key"] = (psk.secret as { pskKey: string }).pskKey;
    const rotated = await rotateDeviceCredential({ actor, id: psk.device.id });
    secrets["rotated PSK key"] = (rotated.secret as { pskKey: string }).pskKey;
    const x509 = await createDevice({ actor, input: { clientId: `sec-x509-${unique()}`, tags: [], auth: { type: "x509" } } });
    secrets["device private key"] = pemBody((x509.secret as { keyPem: string }).keyPem).slice(0, 60);

    const ca = opensslCa();
    await importCa({ actor, input: ca });
    secrets["imported CA key"] = pemBody(ca.keyPem).slice(0, 60);

    const hook = await createWebhook({ actor, input: { name: `secrets-${unique()}`, url: "https://hooks.example.com/x", events: ["finding.high"] } });
    secrets["webhook signing key"] = hook.secret;

    const dump = await dumpDatabase();
    expect(dump.length).toBeGreaterThan(10_000);
    // The dump is real: what is meant to be there is (the e-mail, the device ids, the certificate).
    expect(dump).toContain(email);
    expect(dump).toContain(x509.device.clientId);
    const leaked = Object.entries(secrets).filter(([, value]) => {
      const forms = [value, Buffer.from(value).toString("base64"), Buffer.from(value).toString("hex")];
      return forms.some((f) => dump.includes(f));
    });
    expect(leaked.map(([name]) => name)).toEqual([]);
    // No private key anywhere in PEM form, whoever stored it.
    expect(dump).not.toMatch(/-----BEGIN (?:EC |RSA |ENCRYPTED )?PRIVATE KEY-----/);
  });
});
