// Samples that make each catalogued route succeed for a caller allowed to use it. Tests fail for an API entry
// without a sample, so every new route gets proven.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, type APIRequestContext } from "@playwright/test";
import { encryptPayload } from "@/lib/domain/message-encryption";
import { API, type TApiName } from "@/lib/schemas/api";
import { ZDetectionSettings } from "@/lib/domain/security/detection";
import { ZSecurityPolicy } from "@/lib/domain/security/policy";
import { sql } from "../db";
import { brokerNamed, registerSpare, registrationOf, SPARE, unregister } from "../fleet";
import { bearer, E2E_SIGNED_TOPICS, unique } from "../fixtures";

const DEFAULT_DETECTION = ZDetectionSettings.parse({});
const DEFAULT_POLICY = ZSecurityPolicy.parse({});

/** A user with a second factor to reset (enrolment goes through a browser session; the row is written as it leaves it). */
async function enrolledUserId(): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `INSERT INTO "User" ("id", "email", "role", "passwordHash", "updatedAt", "totpSecretSealed", "totpEnabledAt")
     VALUES (gen_random_uuid(), $1, 'OPERATOR', 'x', now(), 'v1:sample', now()) RETURNING "id"::text`,
    [`enrolled-${unique()}@e2e.test`],
  );
  return row!.id;
}

/** An open finding to resolve (findings come only from the detector: one is written as it would write it). */
async function openFinding(): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `INSERT INTO "SecurityFinding" ("id", "rule", "subject", "severity", "title", "detail", "evidence", "firstAt", "lastAt")
     VALUES (gen_random_uuid(), 'brute-force', $1, 'high', 'Brute force from one address', 'sample', '{}', now(), now()) RETURNING "id"::text`,
    [`192.0.2.${Math.floor(Math.random() * 250)}-${unique()}`],
  );
  return row!.id;
}

export type TSample = { params?: Record<string, string>; query?: Record<string, string>; body?: unknown };

async function adminCreates(request: APIRequestContext, path: string, data: unknown): Promise<string> {
  const res = await request.post(path, { headers: bearer("ADMIN"), data });
  expect(res.status(), `setup POST ${path}`).toBe(201);
  const json = (await res.json()) as { user?: { id: string }; token?: { id: string }; webhook?: { id: string } };
  return (json.user ?? json.token ?? json.webhook)!.id;
}

async function newDeviceId(r: APIRequestContext): Promise<string> {
  const res = await r.post("/api/v1/devices", { headers: bearer("ADMIN"), data: { clientId: `target-${unique()}`, auth: { type: "password" } } });
  expect(res.status(), "setup POST /api/v1/devices").toBe(201);
  return ((await res.json()) as { device: { id: string } }).device.id;
}

/** One user per worker whose sessions the permission and input tests end (each new user is a posture finding). */
let sessionsTarget: Promise<string> | undefined;

async function newDeviceClientId(r: APIRequestContext): Promise<string> {
  const res = await r.get(`/api/v1/devices/${await newDeviceId(r)}`, { headers: bearer("ADMIN") });
  return ((await res.json()) as { clientId: string }).clientId;
}

async function newBatchId(r: APIRequestContext): Promise<string> {
  const res = await r.post("/api/v1/devices:bulk", { headers: bearer("ADMIN"), data: { devices: [{ clientId: `batch-${unique()}`, auth: { type: "psk" } }] } });
  expect(res.status(), "setup POST /api/v1/devices:bulk").toBe(201);
  return ((await res.json()) as { batch: { id: string } }).batch.id;
}

/** A fresh root CA made by OpenSSL, with its unencrypted key, as an operator would import one. */
export function opensslRootCa(subject = `/CN=Imported ${unique()}`): { certPem: string; keyPem: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fleetward-ca-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "365", "-subj", subject,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    "-keyout", path.join(dir, "ca.key"), "-out", path.join(dir, "ca.crt")], { stdio: "ignore" });
  return { certPem: readFileSync(path.join(dir, "ca.crt"), "utf8"), keyPem: readFileSync(path.join(dir, "ca.key"), "utf8") };
}

async function newRoleName(r: APIRequestContext): Promise<string> {
  const name = `role-${unique()}`;
  const res = await r.post("/api/v1/roles", { headers: bearer("ADMIN"), data: { name, acls: [{ acltype: "publishClientSend", topic: "samples/${clientId}/#", allow: true }] } });
  expect(res.status(), "setup POST /api/v1/roles").toBe(201);
  return name;
}

async function newGroupName(r: APIRequestContext): Promise<string> {
  const name = `group-${unique()}`;
  const res = await r.post("/api/v1/groups", { headers: bearer("ADMIN"), data: { name, roles: [{ rolename: await newRoleName(r), priority: 1 }] } });
  expect(res.status(), "setup POST /api/v1/groups").toBe(201);
  return name;
}

/** The fleet's defaults as they stand: saving them again changes no device's access. */
export const FLEET_DEFAULTS = { publishClientSend: false, publishClientReceive: true, subscribe: false, unsubscribe: true };

const newUserId = (r: APIRequestContext) => adminCreates(r, "/api/v1/users", { email: `target-${unique()}@e2e.test`, role: "AUDITOR" });
/** Port 9 on loopback, which fetch refuses to call: its deliveries fail at once and nothing leaves the machine. */
const webhookSample = () => ({ name: `hook-${unique()}`, url: "http://127.0.0.1:9/hook", events: ["certificate.expiring"] });
const newWebhookId = (r: APIRequestContext) => adminCreates(r, "/api/v1/webhooks", webhookSample());
const newTokenId = (r: APIRequestContext) => adminCreates(r, "/api/v1/tokens", { name: `target-${unique()}`, role: "AUDITOR" });

export const SAMPLES: Record<TApiName, (r: APIRequestContext) => Promise<TSample>> = {
  health: async () => ({}),
  openapi: async () => ({}),
  getSession: async () => ({}),
  endSession: async () => ({}),
  listUsers: async () => ({}),
  createUser: async () => ({ body: { email: `new-${unique()}@e2e.test`, role: "OPERATOR" } }),
  getUser: async (r) => ({ params: { id: await newUserId(r) } }),
  updateUser: async (r) => ({ params: { id: await newUserId(r) }, body: { name: "Renamed" } }),
  resetUserPassword: async (r) => ({ params: { id: await newUserId(r) }, body: {} }),
  resetUserTwoFactor: async () => ({ params: { id: await enrolledUserId() }, body: {} }),
  getTwoFactor: async () => ({}),
  startTwoFactorEnrolment: async () => ({ body: { password: "x" } }),
  confirmTwoFactorEnrolment: async () => ({ body: { code: "123456" } }),
  regenerateRecoveryCodes: async () => ({ body: { code: "123456" } }),
  disableTwoFactor: async () => ({ body: { code: "123456" } }),
  changePassword: async () => ({ body: { currentPassword: "not-the-password", newPassword: "a long new passphrase" } }),
  listTokens: async () => ({}),
  createToken: async () => ({ body: { name: `new-${unique()}`, role: "AUDITOR" } }),
  revokeToken: async (r) => ({ params: { id: await newTokenId(r) } }),
  listBrokers: async () => ({}),
  createBroker: async (r) => (await unregister(r, SPARE), { body: registrationOf(SPARE) }),
  getBroker: async (r) => ({ params: { id: (await brokerNamed(r, "e2e-1"))!.id } }),
  deleteBroker: async (r) => ({ params: { id: await registerSpare(r) } }),
  reconcileBroker: async (r) => ({ params: { id: (await brokerNamed(r, "e2e-1"))!.id }, body: {} }),
  rotateBrokerAdminIdentity: async (r) => {
    const { adminCertPem, adminKeyPem } = registrationOf("e2e-1");
    return { params: { id: (await brokerNamed(r, "e2e-1"))!.id }, body: { adminCertPem, adminKeyPem } };
  },
  getBrokerDrift: async (r) => ({ params: { id: (await brokerNamed(r, "e2e-1"))!.id } }),
  getBrokerTls: async (r) => ({ params: { id: (await brokerNamed(r, "e2e-1"))!.id } }),
  listDevices: async () => ({}),
  createDevice: async () => ({ body: { clientId: `new-${unique()}`, auth: { type: "psk" } } }),
  createDevicesBulk: async () => ({ body: { devices: [{ clientId: `bulk-${unique()}`, auth: { type: "password" } }, { clientId: `bulk-${unique()}`, auth: { type: "x509" } }] } }),
  getDeviceBatch: async (r) => ({ params: { id: await newBatchId(r) } }),
  cancelDeviceBatch: async (r) => ({ params: { id: await newBatchId(r) }, body: {} }),
  getDevice: async (r) => ({ params: { id: await newDeviceId(r) } }),
  updateDevice: async (r) => ({ params: { id: await newDeviceId(r) }, body: { disabled: true } }),
  deleteDevice: async (r) => ({ params: { id: await newDeviceId(r) } }),
  revokeDevice: async (r) => ({ params: { id: await newDeviceId(r) }, body: {} }),
  rotateDevice: async (r) => ({ params: { id: await newDeviceId(r) }, body: {} }),
  listCertificates: async () => ({}),
  getCertificateExpiry: async () => ({}),
  getCertificate: async (r) => {
    const res = await r.get("/api/v1/certificates?kind=CA", { headers: bearer("ADMIN") });
    return { params: { id: ((await res.json()) as { items: { id: string }[] }).items[0]!.id } };
  },
  listCas: async () => ({}),
  createCa: async () => ({ body: { commonName: `Sample CA ${unique()}`, algorithm: "ecdsa-p256", validityDays: 365 } }),
  importCa: async () => ({ body: opensslRootCa() }),
  getCrl: async () => ({}),
  simulateAccess: async () => ({
    body: { roles: [{ rolename: "sensor", acls: [{ acltype: "publishClientSend", topic: "a/#", allow: true }] }], client: { username: "u", roles: [{ rolename: "sensor" }] }, action: "publish", topic: "a/b" },
  }),
  lintAcl: async () => ({ body: { roles: [{ rolename: "wide", acls: [{ acltype: "publishClientSend", topic: "#", allow: true }] }] } }),
  listRoles: async () => ({}),
  createRole: async () => ({ body: { name: `new-${unique()}`, description: "Sample", acls: [{ acltype: "subscribePattern", topic: "samples/${clientId}/#", allow: true, priority: 2 }] } }),
  getRole: async (r) => ({ params: { name: await newRoleName(r) } }),
  updateRole: async (r) => ({ params: { name: await newRoleName(r) }, body: { name: `renamed-${unique()}`, acls: [{ acltype: "publishClientReceive", topic: "samples/+/status", allow: true }] } }),
  deleteRole: async (r) => ({ params: { name: await newRoleName(r) } }),
  listGroups: async () => ({}),
  createGroup: async (r) => ({ body: { name: `new-${unique()}`, roles: [{ rolename: await newRoleName(r), priority: 3 }] } }),
  getGroup: async (r) => ({ params: { name: await newGroupName(r) } }),
  updateGroup: async (r) => ({ params: { name: await newGroupName(r) }, body: { name: `renamed-${unique()}`, roles: [] } }),
  deleteGroup: async (r) => ({ params: { name: await newGroupName(r) } }),
  getAclDefaults: async () => ({}),
  setAclDefaults: async () => ({ body: FLEET_DEFAULTS }),
  previewAcl: async (r) => ({ body: { kind: "role", previousName: await newRoleName(r), role: { name: `preview-${unique()}`, acls: [] } } }),
  listAclFindings: async () => ({}),
  mintLiveCredential: async () => ({ body: { replaces: "_live-0000000000000000" } }),
  disconnectClient: async () => ({ body: { clientId: `nobody-${unique()}` } }),
  lookupDevices: async (r) => ({ body: { clientIds: [`x-${unique()}`, (await (await r.get("/api/v1/devices?limit=1", { headers: bearer("ADMIN") })).json()).items[0]?.clientId ?? "none"] } }),
  getLiveEndpoint: async (r) => ({ params: { id: (await brokerNamed(r, "e2e-1"))!.id } }),
  listAudit: async () => ({}),
  verifyAudit: async () => ({}),
  exportAudit: async () => ({ query: { format: "jsonl", action: "audit.export" } }),
  listFindings: async () => ({}),
  resolveFinding: async () => ({ params: { id: await openFinding() }, body: { note: "checked" } }),
  runPosture: async () => ({ body: {} }),
  getDetection: async () => ({}),
  setDetection: async () => ({ body: DEFAULT_DETECTION }),
  getSecurityPolicy: async () => ({}),
  listWebhooks: async () => ({}),
  createWebhook: async () => ({ body: webhookSample() }),
  deleteWebhook: async (r) => ({ params: { id: await newWebhookId(r) } }),
  testWebhook: async (r) => ({ params: { id: await newWebhookId(r) }, body: {} }),
  listWebhookDeliveries: async (r) => ({ params: { id: await newWebhookId(r) } }),
  setSecurityPolicy: async () => ({ body: DEFAULT_POLICY }),
  listSigningKeys: async (r) => ({ params: { id: await newDeviceId(r) } }),
  issueSigningKey: async (r) => ({ params: { id: await newDeviceId(r) }, body: { algorithm: "EdDSA" } }),
  revokeSigningKey: async (r) => {
    const id = await newDeviceId(r);
    const issued = await (await r.post(`/api/v1/devices/${id}/signing-keys`, { headers: bearer("ADMIN"), data: { algorithm: "HS256" } })).json();
    return { params: { id, kid: issued.key.id }, body: {} };
  },
  getSignedTopics: async () => ({}),
  setSignedTopics: async () => ({ body: E2E_SIGNED_TOPICS }),
  getSigningJwks: async () => ({}),
  endUserSessions: async (r) => ({ params: { id: await (sessionsTarget ??= adminCreates(r, "/api/v1/users", { email: `ends-${unique()}@example.com`, role: "AUDITOR" })) }, body: {} }),
  getSso: async () => ({}),
  // The settings as they are, written back: single sign-on tests running beside this one keep their mappings.
  setSso: async (r) => {
    const { roleMappings, localSignIn, breakGlassUserId } = await (await r.get("/api/v1/security/sso", { headers: bearer("ADMIN") })).json();
    return { body: { roleMappings, localSignIn, breakGlassUserId } };
  },
  listContentKeys: async () => ({}),
  issueContentKey: async (r) => ({ body: { name: `ck-${unique()}`, clientId: await newDeviceClientId(r) } }),
  revokeContentKey: async (r) => {
    const issued = await (await r.post("/api/v1/content-keys", { headers: bearer("ADMIN"), data: { name: `ck-${unique()}`, clientId: await newDeviceClientId(r) } })).json();
    return { params: { kid: issued.key.id }, body: {} };
  },
  decryptMessage: async (r) => {
    const issued = await (await r.post("/api/v1/content-keys", { headers: bearer("ADMIN"), data: { name: `ck-${unique()}`, clientId: await newDeviceClientId(r) } })).json();
    return { body: { topic: "t/1", payload: await encryptPayload(new TextEncoder().encode("sample"), issued.key.id, Buffer.from(issued.secret.contentKey, "base64url")) } };
  },
};

export const urlOf = (name: TApiName, params: Record<string, string> = {}) =>
  API[name].path.replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? randomUUID());

export function call(request: APIRequestContext, name: TApiName, sample: TSample, headers: Record<string, string> = {}) {
  const spec = API[name];
  return request.fetch(`${urlOf(name, sample.params)}${sample.query ? `?${new URLSearchParams(sample.query)}` : ""}`, {
    method: spec.method,
    headers,
    ...(sample.body !== undefined ? { data: sample.body } : {}),
  });
}
