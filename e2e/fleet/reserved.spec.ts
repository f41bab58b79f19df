// A device identity trying to be Fleetward, through the API and Debian's own MQTT clients: its certificate is not an
// admin identity anywhere, and a role of `#` reaches none of Fleetward's control topics.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { localBroker, registrationOf } from "../fleet";
import { bearer, unique } from "../fixtures";
import { FLEET_DIR } from "../state";

const tmp = mkdtempSync(path.join(os.tmpdir(), "fleetward-e2e-reserved-"));
const caFile = path.join(FLEET_DIR, "admin/ca.crt");

/** mosquitto_sub for at most `seconds`, one message: its exit status and everything it printed. */
function sub(port: number, topic: string, flags: string[], seconds = 3) {
  const r = spawnSync("mosquitto_sub", ["-h", "127.0.0.1", "-p", String(port), "--cafile", caFile, "-t", topic, "-C", "1", "-W", String(seconds), "-V", "mqttv5", "-v", ...flags], { encoding: "utf8", timeout: 20_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

test("a device's certificate is no admin identity: refused as one by the API and at the admin listener's handshake", async ({ request }) => {
  const created = await request.post("/api/v1/devices", { headers: bearer("OPERATOR"), data: { clientId: `as-admin-${unique()}`, auth: { type: "x509" } } });
  expect(created.status(), await created.text()).toBe(201);
  const { secret } = (await created.json()) as { secret: { certPem: string; keyPem: string } };

  const res = await request.post("/api/v1/brokers", { headers: bearer("ADMIN"), data: { ...registrationOf("e2e-2"), name: `as-device-${unique()}`, adminCertPem: secret.certPem, adminKeyPem: secret.keyPem } });
  expect(res.status()).toBe(422);
  expect((await res.json()).error.fields.adminCertPem).toMatch(/a CA that issues device certificates/);

  writeFileSync(path.join(tmp, "d.crt"), secret.certPem);
  writeFileSync(path.join(tmp, "d.key"), secret.keyPem);
  // The broker judges the client certificate in the handshake and says so in its log; what the client prints depends
  // on whether it read the alert or the closed socket first, so the broker's word is the one checked.
  const device = ["--cert", path.join(tmp, "d.crt"), "--key", path.join(tmp, "d.key")];
  const log = path.join(FLEET_DIR, "e2e-1/mosquitto.log");
  const refusals = () => (readFileSync(log, "utf8").match(/certificate verify failed/g) ?? []).length;
  for (const version of [["--tls-version", "tlsv1.2"], []]) {
    const before = refusals();
    const tried = sub(localBroker("e2e-1").ports.admin, "$SYS/broker/version", [...device, ...version]);
    expect(tried.status, tried.output).not.toBe(0);
    expect(tried.output).not.toMatch(/Timed out|\$SYS\/broker\/version /);
    await expect.poll(refusals).toBeGreaterThan(before);
  }
});

test("a device holding a role of # both ways reads nothing under fleetward/ and cannot publish a heartbeat", async ({ request }) => {
  const role = `everything-${unique()}`;
  const acls = ["publishClientSend", "publishClientReceive", "subscribePattern"].map((acltype) => ({ acltype, topic: "#", allow: true, priority: 0 }));
  expect((await request.post("/api/v1/roles", { headers: bearer("ADMIN"), data: { name: role, description: "", acls } })).status()).toBe(201);
  const clientId = `wild-${unique()}`;
  const created = await request.post("/api/v1/devices", { headers: bearer("OPERATOR"), data: { clientId, auth: { type: "password" }, roles: [{ rolename: role, priority: 0 }] } });
  expect(created.status(), await created.text()).toBe(201);
  const { device, secret } = (await created.json()) as { device: { id: string }; secret: { password: string } };
  const port = localBroker("e2e-1").ports.tlsPassword;
  const me = ["-u", clientId, "-P", secret.password, "-i", clientId];

  // Once e2e-1 holds the device, its `#` would deliver the agents' retained heartbeats at once.
  await expect
    .poll(async () => ((await (await request.get(`/api/v1/devices/${device.id}`, { headers: bearer("AUDITOR") })).json()) as { brokers: { broker: string; applied: boolean }[] }).brokers.find((b) => b.broker === "e2e-1")?.applied, { timeout: 30_000 })
    .toBe(true);
  const read = sub(port, "fleetward/#", me);
  expect(read.output).toContain("Timed out");
  expect(read.output).not.toContain("fleetward/agent/");

  const pub = spawnSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(port), "--cafile", caFile, ...me, "-t", "fleetward/agent/e2e-1/heartbeat", "-m", '{"broker":"e2e-2","online":true}', "-q", "1", "-V", "mqttv5", "-d"], { encoding: "utf8", timeout: 10_000 });
  expect(`${pub.stdout}${pub.stderr}`).toMatch(/RC:135|not authori[sz]ed/i);
  // Other specs share the fleet: no device keeps a `#` grant.
  expect((await request.delete(`/api/v1/devices/${device.id}`, { headers: bearer("ADMIN") })).status()).toBe(200);
  expect((await request.delete(`/api/v1/roles/${role}`, { headers: bearer("ADMIN") })).status()).toBe(200);
});
