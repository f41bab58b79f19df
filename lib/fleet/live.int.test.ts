import mqtt, { type MqttClient } from "mqtt";
import { describe, expect, it } from "vitest";
import { AGENT_TOPICS } from "@/lib/domain/agent-command";
import { db } from "@/lib/server/db";
import { endSession } from "@/lib/server/services/auth/end-session";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { expireLiveCredentials } from "@/lib/server/services/live/expire-live-credentials";
import { LIVE_CREDENTIAL_TTL_MS, mintLiveCredential } from "@/lib/server/services/live/mint-live-credential";
import { createUser } from "@/lib/server/services/users/create-user";
import { testActor, unique } from "@/lib/server/testing/fixtures";
import { notAuthorised, publishAllowed } from "./testing/acl-broker";
import { fleetSuite } from "./testing/fleet-suite";
import { connectDevice, eventually } from "./testing/test-fleet";

const actor = testActor();
const suite = fleetSuite(3);

/** MQTT over secure WebSockets, straight to a broker's listener (no relay), as the credential's holder. */
function connectWss(port: number, username: string, password: string): Promise<MqttClient> {
  return mqtt.connectAsync(`wss://127.0.0.1:${port}/mqtt`, { ca: suite.fleet.caPem, username, password, clientId: username, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5_000 });
}

async function signedInSession(role: "AUDITOR" | "OPERATOR" = "AUDITOR") {
  const { user } = await createUser({ actor, input: { email: `live-${unique()}@example.com`, role } });
  return db.userSession.create({ data: { userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) } });
}

describe("live credentials against the real fleet", () => {
  it("an auditor's reads $SYS and the agents' topics on every broker and nothing else; gone at sign-out and at expiry", async () => {
    const session = await signedInSession();
    const live = await mintLiveCredential({ actor, role: "AUDITOR", sessionId: session.id });
    expect(live.username).toMatch(/^_live-[0-9a-f]{16}$/);
    expect((await db.liveCredential.findUniqueOrThrow({ where: { username: live.username } })).passwordHash).not.toContain(live.password);
    const device = await createDevice({ actor, input: { clientId: `live-dev-${unique()}`, tags: [], auth: { type: "password" } } });

    const links: MqttClient[] = [];
    try {
      for (const b of suite.fleet.brokers) {
        const link = await eventually(() => connectWss(b.ports.live!, live.username, live.password).catch(() => null), `the credential accepted by ${b.name}`, 30_000, 100);
        links.push(link);
        // The agent's retained snapshot of connected clients arrives; its own connection is in the broker's $SYS.
        const retained = (topic: string) => new Promise<string>((resolve) => link.on("message", (t, p) => t === topic && resolve(p.toString())));
        const snapshot = retained(AGENT_TOPICS.clients(b.name));
        // And the hour of load the agent keeps (its first sample some seconds after it started).
        const load = retained(AGENT_TOPICS.load(b.name));
        await link.subscribeAsync([AGENT_TOPICS.clients(b.name), AGENT_TOPICS.load(b.name), "$SYS/broker/version"], { qos: 0 });
        expect(JSON.parse(await snapshot)).toMatchObject({ broker: b.name, clients: expect.any(Array) });
        const hour = JSON.parse(await load) as { broker: string; samples: Record<string, number>[] };
        expect(hour.broker).toBe(b.name);
        expect(hour.samples[0]).toEqual({ at: expect.any(Number), msgIn: expect.any(Number), msgOut: expect.any(Number), bytesIn: expect.any(Number), bytesOut: expect.any(Number), clients: expect.any(Number) });
        expect(hour.samples[0]!.clients).toBeGreaterThan(0); // the agent itself, at least
        // Read-only: every publish refused, the agents' topics included.
        for (const topic of [`devices/${device.device.clientId}/t`, AGENT_TOPICS.clients(b.name), AGENT_TOPICS.command(b.name), "a/b"]) {
          expect(await publishAllowed(link, topic), `${b.name}: publish ${topic}`).toBe(false);
        }
        // Devices' topics are not delivered to it, though a subscription is accepted (acl_file checks each delivery).
        const sender = await eventually(() => connectDevice(b.ports.tlsPassword, suite.fleet.caPem, { clientId: device.device.clientId, username: device.device.clientId, password: device.secret.password! }).catch(() => null), "the device", 30_000, 200);
        let leaked = false;
        link.on("message", (t) => t.startsWith("devices/") && (leaked = true));
        await link.subscribeAsync("devices/#", { qos: 1 }).catch((e: unknown) => expect(notAuthorised(e)).toBe(true));
        await sender.publishAsync(`devices/${device.device.clientId}/t`, "secret", { qos: 1 });
        await sender.endAsync(true);
        // That message is routed; the answer to a publish of the link's own comes after anything sent to it before.
        await publishAllowed(link, "a/b");
        expect(leaked, `${b.name}: a device's message reached the live credential`).toBe(false);
      }

      // Signing out removes it everywhere: open connections are closed and new ones refused.
      const closed = links.map((l) => new Promise<void>((r) => l.once("close", () => r())));
      await endSession(session.id, actor, "sign_out");
      await Promise.all(closed);
      for (const b of suite.fleet.brokers) await eventually(() => connectWss(b.ports.live!, live.username, live.password).then((l) => (l.end(true), false), () => true), `refusal on ${b.name}`, 30_000, 100);
      expect(await db.liveCredential.count({ where: { username: live.username } })).toBe(0);
    } finally {
      for (const l of links) l.end(true);
    }

    // The janitor removes what expired.
    const other = await mintLiveCredential({ actor, role: "OPERATOR", sessionId: (await signedInSession()).id });
    const b0 = suite.fleet.brokers[0]!;
    (await eventually(() => connectWss(b0.ports.live!, other.username, other.password).catch(() => null), "the second credential", 30_000, 100)).end(true);
    expect(await expireLiveCredentials(new Date(Date.now() + LIVE_CREDENTIAL_TTL_MS + 1_000))).toBeGreaterThanOrEqual(1);
    await eventually(() => connectWss(b0.ports.live!, other.username, other.password).then((l) => (l.end(true), false), () => true), "refusal after expiry", 30_000, 100);
    const audit = await db.auditEvent.findMany({ where: { action: { in: ["live.credential_mint", "live.credential_remove"] } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["live.credential_mint", "live.credential_remove"]));
  }, 180_000);

  it("an operator's also reads the devices' traffic, never the agents' commands or replies; it writes nothing and works only on the live listener", async () => {
    const live = await mintLiveCredential({ actor, role: "OPERATOR", sessionId: (await signedInSession("OPERATOR")).id });
    const b = suite.fleet.brokers[0]!;
    const link = await eventually(() => connectWss(b.ports.live!, live.username, live.password).catch(() => null), "the credential accepted", 30_000, 100);
    try {
      const seen: string[] = [];
      link.on("message", (t) => seen.push(t));
      await link.subscribeAsync(["#", AGENT_TOPICS.command(b.name), AGENT_TOPICS.reply(b.name), "fleetward/#"], { qos: 0 });
      // A new device is a change of desired state: Fleetward commands every agent, and each replies, meanwhile.
      const device = await createDevice({ actor, input: { clientId: `live-op-${unique()}`, tags: [], auth: { type: "password" } } });
      const clientId = device.device.clientId;
      const sender = await eventually(() => connectDevice(b.ports.tlsPassword, suite.fleet.caPem, { clientId, username: clientId, password: device.secret.password! }).catch(() => null), "the device", 30_000, 200);
      await sender.publishAsync(`devices/${clientId}/t`, "reading", { qos: 1 });
      await sender.endAsync(true);
      await eventually(() => seen.includes(`devices/${clientId}/t`), "the device's message delivered", 10_000, 50);
      expect(seen.filter((t) => t.endsWith("/cmd") || t.endsWith("/reply"))).toEqual([]);
      for (const topic of [`devices/${clientId}/t`, AGENT_TOPICS.events(b.name), "a/b"]) expect(await publishAllowed(link, topic), `publish ${topic}`).toBe(false);
      // The device listeners do not know it.
      await expect(connectWss(b.ports.wss, live.username, live.password)).rejects.toThrow();
    } finally {
      link.end(true);
    }
  }, 120_000);
});
