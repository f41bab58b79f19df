import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { NO_CONTROL_CHARACTERS } from "@/lib/domain/control-characters";
import { RESERVED_NAME_REASON } from "@/lib/domain/reserved-names";
import { fieldErrors } from "@/lib/server/parse-input";
import { ZAclPolicy, ZDeviceAccessInput, ZGroupInput, ZRoleInput, ZSimulateAdHoc, ZSimulateDevice } from "./acl";
import { ZAuditQuery } from "./audit";
import { ZBrokerCreate } from "./broker";
import { ZCaCreate } from "./ca";
import { ZCertificateQuery } from "./certificate";
import { BAD_CURSOR } from "./common";
import { ZDeviceCreate, ZDeviceQuery } from "./device";
import { ZDeviceLookup, ZLiveDisconnect, ZLiveMint } from "./live";
import { ZFindingQuery, ZFindingResolve } from "./security";
import { ZContentKeyCreate, ZDecryptRequest, ZSignedTopics } from "./signing";
import { ZTokenCreate } from "./token";
import { ZUserCreate, ZUserQuery } from "./user";
import { ZWebhookCreate } from "./webhook";

/** What the API answers in `fields` for a body. */
const fields = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? {} : fieldErrors(r.error);
};

const CONTROLS = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), "\u007f"];
const hex = (c: string) => `U+${c.charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}`;

const PEM_CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
// A key made when the tests run, so no private key is kept in the repository.
const PEM_KEY = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const ports = { admin: 1, tlsPassword: 2, mtls: 3, psk: 4, wss: 5 };
const adHoc = (over: Record<string, unknown> = {}) => ({
  roles: [{ rolename: "sensor", acls: [{ acltype: "publishClientSend", topic: "plant/#", allow: true }] }],
  client: { username: "s-1", clientid: "s-1", roles: [{ rolename: "sensor", priority: 1 }] },
  action: "publish",
  topic: "plant/a",
  ...over,
});

/** Each field that takes a topic, a name, a client id or a username: its schema, a valid value, and where to put a character. */
const FIELDS: { field: string; schema: z.ZodType; body: (v: string) => unknown }[] = [
  { field: "acls.0.topic", schema: ZRoleInput, body: (v) => ({ name: "sensor", acls: [{ acltype: "publishClientSend", topic: `devices/\${clientId}/${v}`, allow: true }] }) },
  { field: "name", schema: ZRoleInput, body: (v) => ({ name: `sensor${v}x` }) },
  { field: "description", schema: ZRoleInput, body: (v) => ({ name: "sensor", description: `a${v}b` }) },
  { field: "name", schema: ZGroupInput, body: (v) => ({ name: `boilers${v}x` }) },
  { field: "clientId", schema: ZDeviceCreate, body: (v) => ({ clientId: `sensor${v}1`, auth: { type: "password" } }) },
  { field: "name", schema: ZDeviceCreate, body: (v) => ({ clientId: "sensor-1", name: `Pump${v}1`, auth: { type: "password" } }) },
  { field: "tags.0", schema: ZDeviceCreate, body: (v) => ({ clientId: "sensor-1", tags: [`plant${v}a`], auth: { type: "password" } }) },
  { field: "name", schema: ZBrokerCreate, body: (v) => ({ name: `b${v}1`, host: "127.0.0.1", ports, caPem: PEM_CERT, adminCertPem: PEM_CERT, adminKeyPem: PEM_KEY }) },
  { field: "host", schema: ZBrokerCreate, body: (v) => ({ name: "b1", host: `h${v}1`, ports, caPem: PEM_CERT, adminCertPem: PEM_CERT, adminKeyPem: PEM_KEY }) },
  { field: "commonName", schema: ZCaCreate, body: (v) => ({ commonName: `Plant${v}CA` }) },
  { field: "name", schema: ZWebhookCreate, body: (v) => ({ name: `hook${v}1`, url: "https://example.com/h", events: ["certificate.expiring"] }) },
  { field: "name", schema: ZTokenCreate, body: (v) => ({ name: `ci${v}1`, role: "AUDITOR" }) },
  { field: "name", schema: ZUserCreate, body: (v) => ({ email: "a@example.com", name: `Ann${v}B`, role: "AUDITOR" }) },
  { field: "topics.0.filter", schema: ZSignedTopics, body: (v) => ({ topics: [{ filter: `plant/${v}/#`, signedOnly: true }] }) },
  { field: "name", schema: ZContentKeyCreate, body: (v) => ({ name: `key${v}1`, clientId: "sensor-1" }) },
  { field: "clientId", schema: ZContentKeyCreate, body: (v) => ({ name: "key", clientId: `sensor${v}1` }) },
  { field: "groupname", schema: ZContentKeyCreate, body: (v) => ({ name: "key", groupname: `boilers${v}1` }) },
  { field: "topic", schema: ZDecryptRequest, body: (v) => ({ topic: `t${v}1`, payload: "x" }) },
  { field: "replaces", schema: ZLiveMint, body: (v) => ({ replaces: `_live-${v}` }) },
  { field: "clientId", schema: ZLiveDisconnect, body: (v) => ({ clientId: `sensor${v}1` }) },
  { field: "clientIds.0", schema: ZDeviceLookup, body: (v) => ({ clientIds: [`sensor${v}1`] }) },
  { field: "roles.0.rolename", schema: ZSimulateAdHoc, body: (v) => adHoc({ roles: [{ rolename: `sensor${v}`, acls: [] }] }) },
  { field: "roles.0.acls.0.topic", schema: ZSimulateAdHoc, body: (v) => adHoc({ roles: [{ rolename: "sensor", acls: [{ acltype: "publishClientSend", topic: `plant/${v}`, allow: true }] }] }) },
  { field: "client.username", schema: ZSimulateAdHoc, body: (v) => adHoc({ client: { username: `s${v}1` } }) },
  { field: "client.clientid", schema: ZSimulateAdHoc, body: (v) => adHoc({ client: { username: "s-1", clientid: `s${v}1` } }) },
  { field: "topic", schema: ZSimulateAdHoc, body: (v) => adHoc({ topic: `plant/${v}` }) },
  { field: "topic", schema: ZSimulateDevice, body: (v) => ({ deviceId: "00000000-0000-4000-8000-000000000000", action: "subscribe", topic: `plant/${v}/#` }) },
  { field: "roles.0.acls.0.topic", schema: ZAclPolicy, body: (v) => ({ roles: [{ rolename: "wide", acls: [{ acltype: "subscribePattern", topic: `a${v}/#`, allow: true }] }] }) },
  { field: "q", schema: ZDeviceQuery, body: (v) => ({ q: `pump${v}` }) },
  { field: "actor", schema: ZAuditQuery, body: (v) => ({ actor: `cli:root${v}` }) },
  { field: "q", schema: ZCertificateQuery, body: (v) => ({ q: `plant${v}` }) },
  { field: "q", schema: ZUserQuery, body: (v) => ({ q: `ann${v}` }) },
];

describe("control characters", () => {
  it("a line feed in a role rule's topic cannot add lines to the brokers' acl file", () => {
    const topic = "devices/${clientId}/x\nuser pt-b\ntopic readwrite fleetward/#";
    expect(fields(ZRoleInput, { name: "pt", acls: [{ acltype: "publishClientSend", topic, allow: true }] })).toEqual({ "acls.0.topic": NO_CONTROL_CHARACTERS });
  });

  it.each(FIELDS.map((f) => [`${f.schema === ZSimulateAdHoc ? "simulate " : ""}${f.field}`, f] as const))("%s refuses each of U+0000-U+001F and U+007F, and takes the value without it", (_, f) => {
    expect(fields(f.schema, f.body("-"))).toEqual({});
    for (const c of CONTROLS) expect(fields(f.schema, f.body(c)), hex(c)).toMatchObject({ [f.field]: expect.stringMatching(/control characters|tags are/) });
  });

  it("names say why first; a note keeps tabs and line breaks, never the other control characters", () => {
    for (const c of CONTROLS) expect(fields(ZDeviceCreate, { clientId: `a${c}b`, auth: { type: "psk" } }), hex(c)).toEqual({ clientId: NO_CONTROL_CHARACTERS });
    expect(fields(ZFindingResolve, { note: "checked:\n\tfalse alarm\r\n" })).toEqual({});
    for (const c of CONTROLS.filter((x) => !"\t\n\r".includes(x))) expect(fields(ZFindingResolve, { note: `a${c}b` }), hex(c)).toEqual({ note: expect.stringMatching(/control characters/) });
  });
});

describe("reserved names", () => {
  it("no device may take a name of Fleetward's own, by any auth", () => {
    for (const [clientId, type] of [["fleetward-admin", "x509"], ["fleetward-agent-demo-3", "password"], ["_fleetward-probe", "psk"], ["_live-0123", "password"], ["FleetWard-Admin", "x509"], ["$SYS", "psk"]]) {
      expect(fields(ZDeviceCreate, { clientId, auth: { type } }), clientId).toEqual({ clientId: RESERVED_NAME_REASON });
    }
    expect(fields(ZLiveDisconnect, { clientId: "fleetward-agent-demo-1" })).toEqual({ clientId: RESERVED_NAME_REASON });
    expect(fields(ZDeviceCreate, { clientId: "my-fleetward-1", auth: { type: "psk" } })).toEqual({});
  });
});

describe("priorities", () => {
  it("the ad hoc simulator takes every 32-bit priority the plugin takes", () => {
    for (const priority of [2_147_483_647, -10, -2_147_483_648, 10_000_000]) {
      const body = adHoc({
        roles: [{ rolename: "sensor", textname: "Sensor", textdescription: "from dynamic-security.json", acls: [{ acltype: "publishClientSend", topic: "plant/#", allow: true, priority }] }],
        groups: [{ groupname: "g", roles: [{ rolename: "sensor", priority }] }],
        client: { username: "s-1", textname: "S 1", roles: [{ rolename: "sensor", priority }], groups: [{ groupname: "g", priority }] },
      });
      expect(fields(ZSimulateAdHoc, body), String(priority)).toEqual({});
    }
    expect(fields(ZSimulateAdHoc, adHoc({ client: { username: "s-1", roles: [{ rolename: "sensor", priority: 2_147_483_648 }] } }))).toEqual({ "client.roles.0.priority": "must be a 32-bit integer (at most 2147483647)" });
    expect(fields(ZAclPolicy, { roles: [{ rolename: "r", acls: [{ acltype: "publishClientSend", topic: "a", priority: -2_147_483_649 }] }] })).toEqual({ "roles.0.acls.0.priority": "must be a 32-bit integer (at least -2147483648)" });
  });

  it("Fleetward's own roles and groups keep a tighter limit, and say it is Fleetward's", () => {
    const own = /^must be at (most|least) -?1000000 \(Fleetward's own limit for the roles and groups it stores; the plugin takes any 32-bit integer\)$/;
    expect(fields(ZRoleInput, { name: "r", acls: [{ acltype: "publishClientSend", topic: "a", priority: 2_147_483_647 }] })).toEqual({ "acls.0.priority": expect.stringMatching(own) });
    expect(fields(ZGroupInput, { name: "g", roles: [{ rolename: "r", priority: -1_000_001 }] })).toEqual({ "roles.0.priority": expect.stringMatching(own) });
    expect(fields(ZDeviceAccessInput, { groups: [{ groupname: "g", priority: 1_000_001 }] })).toEqual({ "groups.0.priority": expect.stringMatching(own) });
    expect(fields(ZRoleInput, { name: "r", acls: [{ acltype: "publishClientSend", topic: "a", priority: -1_000_000 }] })).toEqual({});
  });
});

describe("cursors", () => {
  const cursor = (schema: z.ZodType, value: string) => fields(schema, { cursor: value }).cursor ?? null;
  it("each list takes only its own cursor's shape", () => {
    expect(cursor(ZDeviceQuery, "sensor-0001")).toBeNull();
    for (const bad of ["\u0000'", "", "a b", "x".repeat(129), "../x"]) expect(cursor(ZDeviceQuery, bad), bad).toBe(BAD_CURSOR);
    expect(cursor(ZAuditQuery, "9223372036854775807")).toBeNull();
    for (const bad of ["9999999999999999999", "9223372036854775808", "-1", "1e3", "12a", ""]) expect(cursor(ZAuditQuery, bad), bad).toBe(BAD_CURSOR);
    expect(cursor(ZCertificateQuery, Buffer.from("100").toString("base64url"))).toBeNull();
    for (const bad of [Buffer.from("-1").toString("base64url"), Buffer.from("abc").toString("base64url"), Buffer.from("9".repeat(16)).toString("base64url"), "!!", ""]) expect(cursor(ZCertificateQuery, bad), bad).toBe(BAD_CURSOR);
    expect(cursor(ZFindingQuery, "2026-12-07T10:00:00.000Z_6f1c2a3b-1d2e-4f50-8a9b-0c1d2e3f4a5b")).toBeNull();
    for (const bad of ["2026-12-07_x", "x_6f1c2a3b-1d2e-4f50-8a9b-0c1d2e3f4a5b", "\u0000"]) expect(cursor(ZFindingQuery, bad), bad).toBe(BAD_CURSOR);
    expect(cursor(ZUserQuery, "ann@example.com")).toBeNull();
    for (const bad of ["\u0000", "ann", ""]) expect(cursor(ZUserQuery, bad), bad).toBe(BAD_CURSOR);
  });
});
