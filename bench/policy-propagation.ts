// Policy propagation: from saving a role until every broker enforces the new rule, for a device connected to all
// three brokers in a fleet of 10,000 devices. The rule is switched between allow and deny; a sample ends when the
// device's own session on every broker has its QoS 1 publish accepted (or refused) as the role now says.
// Baseline in the same run: the broker's own tool, mosquitto_ctrl, changing the same rule on one broker with the
// dynamic security plugin, until that broker enforces it (the plugin disconnects the role's clients, so the device
// reconnects to see it).
import { execFileSync } from "node:child_process";
import path from "node:path";
import type { MqttClient } from "mqtt";
import { publishAllowed, startDynsecBroker } from "@/lib/fleet/testing/acl-broker";
import { connectDevice, startTestFleet, startWorker, type TTestFleet } from "@/lib/fleet/testing/test-fleet";
import { saveRole } from "@/lib/server/services/acl/save-role";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { createDevicesBulk } from "@/lib/server/services/devices/create-devices-bulk";
import { testActor, unique } from "@/lib/server/testing/fixtures";
import { db } from "@/lib/server/db";
import { TOOL_TIMEOUT_MS } from "./children";
import { percentile, round, type TFigure } from "./figures";

const actor = testActor("bench");
const SAMPLES = 30;
const FLEET = 10_000;

/** Publishes on every session until each broker decides `allowed`; resolves with the time the last one did. */
async function enforcedAt(sessions: MqttClient[], topic: string, allowed: boolean, timeoutMs = 30_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  const times = await Promise.all(
    sessions.map(async (s) => {
      while (performance.now() < deadline) {
        if (!s.connected) throw new Error("the device's session was closed");
        if ((await publishAllowed(s, topic)) === allowed) return performance.now();
      }
      throw new Error(`not enforced within ${timeoutMs} ms`);
    }),
  );
  return Math.max(...times);
}

const rules = (allow: boolean) => [
  { acltype: "publishClientSend" as const, topic: "bench/${clientId}/own", priority: 0, allow: true },
  { acltype: "publishClientSend" as const, topic: "bench/${clientId}/switch", priority: 0, allow },
];

async function fleetSamples(fleet: TTestFleet): Promise<number[]> {
  const run = unique().slice(0, 6);
  for (let i = 0; i < FLEET; i += 5_000) {
    await createDevicesBulk({ actor, input: { devices: Array.from({ length: 5_000 }, (_, k) => ({ clientId: `pp-${run}-${i + k}`, auth: { type: "psk" } })) } });
  }
  const role = `propagation-${run}`;
  await saveRole({ actor, input: { name: role, description: "", forNewDevices: false, acls: rules(false) } });
  const d = await createDevice({ actor, input: { clientId: `pp-probe-${run}`, tags: [], auth: { type: "password" }, roles: [{ rolename: role, priority: 0 }] } });
  const connect = (port: number) => connectDevice(port, fleet.caPem, { clientId: d.device.clientId, username: d.device.clientId, password: d.secret.password! });
  const sessions: MqttClient[] = [];
  for (const b of fleet.brokers) {
    for (let attempt = 0; ; attempt++) {
      const s = await connect(b.ports.tlsPassword).catch((e: unknown) => (attempt > 100 ? Promise.reject(e) : null));
      if (s) {
        sessions.push(s);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const topic = `bench/${d.device.clientId}/switch`;
  const samples: number[] = [];
  try {
    await enforcedAt(sessions, topic, false);
    console.log(`[bench] acl: ${await db.device.count()} devices; switching a role's rule ${SAMPLES} times…`);
    for (let i = 0; i < SAMPLES; i++) {
      const allow = i % 2 === 0;
      const t0 = performance.now();
      await saveRole({ actor, previousName: role, input: { name: role, description: "", forNewDevices: false, acls: rules(allow) } });
      samples.push((await enforcedAt(sessions, topic, allow)) - t0);
    }
  } finally {
    await Promise.all(sessions.map((s) => s.endAsync(true)));
  }
  return samples;
}

async function dynsecSamples(): Promise<number[]> {
  const admin = { rolename: "admin", acls: ["publishClientSend", "publishClientReceive", "subscribePattern"].map((acltype) => ({ acltype: acltype as "publishClientSend", topic: "$CONTROL/dynamic-security/#", priority: 0, allow: true })) };
  const role = { rolename: "device", acls: rules(false).map((r) => ({ ...r, topic: r.topic.replace("${clientId}", "d1") })) };
  const defaults = { publishClientSend: false, publishClientReceive: true, subscribe: false, unsubscribe: true };
  const broker = await startDynsecBroker({ defaultACLAccess: defaults, roles: [admin, role], clients: [{ username: "admin", password: "admin-pw", roles: [{ rolename: "admin" }] }, { username: "d1", password: "pw", roles: [{ rolename: "device" }] }], groups: [] });
  const ctrl = (...args: string[]) =>
    execFileSync("mosquitto_ctrl", ["-h", "127.0.0.1", "-p", String(broker.port), "--cafile", path.join(broker.dir, "ca.crt"), "-u", "admin", "-P", "admin-pw", "dynsec", ...args], { stdio: "ignore", timeout: TOOL_TIMEOUT_MS, killSignal: "SIGKILL" });
  const samples: number[] = [];
  const topic = "bench/d1/switch";
  try {
    for (let i = 0; i < SAMPLES; i++) {
      const allow = i % 2 === 0;
      const t0 = performance.now();
      ctrl("removeRoleACL", "device", "publishClientSend", topic);
      ctrl("addRoleACL", "device", "publishClientSend", topic, allow ? "allow" : "deny", "0");
      // The plugin disconnects the clients of a changed role: the device reconnects, then tries.
      for (;;) {
        const client = await broker.connect("d1", "pw");
        const decided = await publishAllowed(client, topic);
        await client.endAsync(true);
        if (decided === allow) break;
        if (performance.now() - t0 > 30_000) throw new Error("dynsec change not enforced within 30 s");
      }
      samples.push(performance.now() - t0);
    }
  } finally {
    await broker.stop();
  }
  return samples;
}

export async function policyPropagationFigures(): Promise<TFigure[]> {
  const fleet = startTestFleet(3);
  let samples: number[];
  try {
    const worker = startWorker(fleet.dir, "bench-worker");
    try {
      samples = await fleetSamples(fleet);
    } finally {
      await worker.kill();
    }
  } finally {
    await fleet.stop();
  }
  const baseline = await dynsecSamples();
  const what = `mosquitto_ctrl on one dynsec broker (p50 ${round(percentile(baseline, 50))} ms)`;
  return [50, 95].map((p) => ({
    name: `Policy propagation p${p}: role saved -> enforced on all 3 brokers, ${FLEET.toLocaleString("en")}-device fleet`,
    value: round(percentile(samples, p)),
    unit: "ms",
    goal: p === 95 ? { op: "<=" as const, value: 1_000 } : null,
    baseline: { value: round(percentile(baseline, p)), what: p === 50 ? what : "mosquitto_ctrl on one dynsec broker" },
    note: `${SAMPLES} changes, each switching one rule between allow and deny; a connected session per broker checked with QoS 1 publishes`,
  }));
}
