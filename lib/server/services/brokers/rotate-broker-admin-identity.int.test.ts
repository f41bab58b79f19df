import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_IDENTITY } from "@/lib/domain/mosquitto-conf";
import { connectAdmin } from "@/lib/fleet/admin-channel";
import { fleetSuite } from "@/lib/fleet/testing/fleet-suite";
import { eventually } from "@/lib/fleet/testing/test-fleet";
import { db } from "../../db";
import { toErrorResponse } from "../../errors";
import { certInfo } from "../../pki/cert-info";
import { createCa, issueCertificate, type TKeyPairPem } from "../../pki/x509";
import { testActor, unique } from "../../testing/fixtures";
import { createDevice } from "../devices/create-device";
import { fleetCa, serviceCa } from "../fleet/fleet-keys";
import { endpointOf } from "./broker-driver-for";
import { rotateBrokerAdminIdentity } from "./rotate-broker-admin-identity";

/** The label of a PEM block whose body is no key at all (written apart so no key-shaped text sits in the source). */
const NOT_A_KEY = ["PRIVATE", "KEY"].join(" ");

const suite = fleetSuite(1);
const actor = testActor();
let brokerId: string;

const revision = async () => (await db.fleetState.findUniqueOrThrow({ where: { id: 1 } })).revision;
const brokerRow = () => db.broker.findUniqueOrThrow({ where: { id: brokerId } });
const applied = async (r: bigint) => (await brokerRow()).appliedRevision >= r;
const rotations = () => db.auditEvent.findMany({ where: { action: "broker.admin_identity_rotate", targetId: brokerId }, orderBy: { id: "asc" } });
const identity = (i: TKeyPairPem) => ({ adminCertPem: i.certPem, adminKeyPem: i.keyPem });

/** The HTTP answer the API gives for what the service threw. */
async function refusal(promise: Promise<unknown>) {
  const res = toErrorResponse(await promise.then(() => new Error("was accepted"), (e: unknown) => e));
  return { status: res.status, error: ((await res.json()) as { error: { message: string; fields?: Record<string, string> } }).error };
}

beforeAll(async () => {
  brokerId = (await db.broker.findUniqueOrThrow({ where: { name: suite.fleet.brokers[0]!.name } })).id;
  const target = await revision();
  await eventually(() => applied(target), "the first sync", 60_000);
}, 90_000);

describe("rotating Fleetward's admin identity on a broker", () => {
  it("refuses a certificate from another CA, of another name, or a key not its own, naming the field; nothing changes", async () => {
    const before = await brokerRow();
    const ca = await serviceCa();
    const otherCa = await createCa(`Other CA ${unique()}`, 30);
    const fromOtherCa = await issueCertificate({ ca: otherCa, commonName: ADMIN_IDENTITY, usage: "client", days: 30 });
    // The CA that issues device certificates: a device with this CN would be the admin, so it is refused outright.
    const fromDeviceCa = await issueCertificate({ ca: await fleetCa(), commonName: ADMIN_IDENTITY, usage: "client", days: 30 });
    const otherName = await issueCertificate({ ca, commonName: `someone-${unique()}`, usage: "client", days: 30 });
    const good = await issueCertificate({ ca, commonName: ADMIN_IDENTITY, usage: "client", days: 30 });

    const cases = [
      { input: identity(fromDeviceCa), field: "adminCertPem", reason: /^is issued by "Fleetward Fleet CA", a CA that issues device certificates/ },
      // A CA the broker's admin listener does not trust: the broker itself refuses it when it is tried.
      { input: identity(fromOtherCa), field: "adminCertPem", reason: /rejected the admin client certificate during the TLS handshake|refused Fleetward's admin identity/ },
      { input: identity(otherName), field: "adminCertPem", reason: /^has CN "someone-.*", but the broker's admin listener grants only "fleetward-admin"/ },
      { input: { adminCertPem: good.certPem, adminKeyPem: otherName.keyPem }, field: "adminKeyPem", reason: /^does not belong to the certificate/ },
      { input: { adminCertPem: good.certPem, adminKeyPem: `-----BEGIN ${NOT_A_KEY}-----\nAAAA\n-----END ${NOT_A_KEY}-----` }, field: "adminKeyPem", reason: /^is not an unencrypted PEM private key$/ },
    ];
    for (const c of cases) {
      const { status, error } = await refusal(rotateBrokerAdminIdentity({ actor, id: brokerId, input: c.input }));
      expect(status, c.field).toBe(422);
      expect(Object.keys(error.fields ?? {}), error.message).toEqual([c.field]);
      expect(error.fields![c.field]).toMatch(c.reason);
      expect(error.message).not.toContain("PRIVATE KEY");
    }
    const after = await brokerRow();
    expect({ cert: after.adminCertPem, key: after.adminKeySealed }).toEqual({ cert: before.adminCertPem, key: before.adminKeySealed });
    expect(await rotations()).toEqual([]);
  });

  it("replaces it with no downtime: tried on the broker, stored, audited, and the next sync uses it while the old one expires", async () => {
    const ca = await serviceCa();
    const before = await brokerRow();
    // A first identity that expires in seconds, then the lasting one: once the first has expired, only the second works.
    const shortLived = await issueCertificate({ ca, commonName: ADMIN_IDENTITY, usage: "client", days: 20 / 86_400 });
    const dto = await rotateBrokerAdminIdentity({ actor, id: brokerId, input: identity(shortLived) });
    expect(dto.adminCertPem.trim()).toBe(shortLived.certPem.trim());
    const lasting = await issueCertificate({ ca, commonName: ADMIN_IDENTITY, usage: "client", days: 30 });
    await rotateBrokerAdminIdentity({ actor, id: brokerId, input: identity(lasting) });

    const row = await brokerRow();
    expect(endpointOf(row)).toMatchObject({ adminCertPem: lasting.certPem.trim() + "\n", adminKeyPem: lasting.keyPem });
    const events = await rotations();
    expect(events.map((e) => (e.details as { before: { serial: string }; after: { serial: string } }).after.serial)).toEqual([certInfo(shortLived.certPem).serial, certInfo(lasting.certPem).serial]);
    expect((events[0]!.details as { before: { serial: string } }).before.serial).toBe(certInfo(before.adminCertPem).serial);
    expect(JSON.stringify(events.map((e) => e.details))).not.toMatch(/PRIVATE KEY|BEGIN/);
    expect(await db.certificate.count({ where: { serial: { in: [certInfo(shortLived.certPem).serial, certInfo(lasting.certPem).serial] }, kind: "SERVICE" } })).toBe(2);

    await new Promise((r) => setTimeout(r, Math.max(0, shortLived.notAfter.getTime() + 1_500 - Date.now())));
    const ep = { ...endpointOf(row), adminCertPem: shortLived.certPem, adminKeyPem: shortLived.keyPem };
    await expect(connectAdmin(ep)).rejects.toMatchObject({ kind: "wrong_admin_identity", message: expect.stringMatching(/certificate expired/) });
    const { status, error } = await refusal(rotateBrokerAdminIdentity({ actor, id: brokerId, input: identity(shortLived) }));
    expect([status, error.fields?.adminCertPem]).toEqual([422, expect.stringMatching(/^expired /)]);

    // A change after the old identity died still reaches the broker: the worker's sync presented the new one.
    await createDevice({ actor, input: { clientId: `after-rotation-${unique()}`, tags: [], auth: { type: "password" } } });
    const target = await revision();
    await eventually(() => applied(target), `revision ${target} with the rotated identity`, 60_000);
    expect((await brokerRow()).lastError).toBeNull();
  }, 120_000);
});
