// Signed messages end to end over MQTT: a real Mosquitto (TLS listener on loopback), the devices' side in a process
// of its own publishing pre-signed Ed25519 messages (QoS 0), and a subscriber in this process doing per message what
// the verifier does (one judgement started per arriving message, then the digest). Not the worker itself: no
// Postgres, no verdicts published back. Paced at the goal's rate, then as fast as the publisher can.
import { fork } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt from "mqtt";
import { startAclFileBroker } from "@/lib/fleet/testing/acl-broker";
import { eventually } from "@/lib/fleet/testing/test-fleet";
import { withinDeadline } from "./children";
import { percentile, round, type TFigure } from "./figures";
import { countersOf, SIGNING_GOAL, verifierWork, type TSignedFleet, type TSignedMessage } from "./signed-messages";

const PASSWORD = "bench-signing-password";
const FILTER = "devices/+/telemetry";
const now = () => performance.timeOrigin + performance.now();

type TPublisherArgs = { port: number; caPem: string; rate: number; messages: { topic: string; payload: string }[] };

/** The devices' side: publishes every message at `rate` per second (0: as fast as it can), reports when each left. */
async function publish(a: TPublisherArgs) {
  const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${a.port}`, { ca: a.caPem, username: "device", password: PASSWORD, clientId: "bench-signing-device", protocolVersion: 5, reconnectPeriod: 0 });
  const sent: number[] = [];
  const start = now();
  for (let i = 0; i < a.messages.length; i++) {
    const due = a.rate ? start + (i * 1000) / a.rate : 0;
    if (due - now() > 2) await new Promise((r) => setTimeout(r, due - now()));
    else if (!a.rate && i % 500 === 0) await new Promise((r) => setImmediate(r)); // lets the socket drain
    client.publish(a.messages[i]!.topic, a.messages[i]!.payload, { qos: 0 });
    sent.push(now());
  }
  await client.endAsync();
  process.send!({ sent });
}

if (process.env.FLEETWARD_SIGNED_PUBLISHER) void publish(JSON.parse(readFileSync(process.env.FLEETWARD_SIGNED_PUBLISHER, "utf8")) as TPublisherArgs);

function runPublisher(args: TPublisherArgs): Promise<number[]> {
  const file = path.join(os.tmpdir(), `fleetward-signed-publisher-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(args), { mode: 0o600 });
  const child = fork(path.resolve(import.meta.dirname, "signing-mqtt.ts"), [], {
    execArgv: ["--conditions=react-server", "--import", import.meta.resolve("tsx")],
    env: { ...process.env, FLEETWARD_SIGNED_PUBLISHER: file },
  });
  const sent = new Promise<number[]>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { sent: number[] }).sent));
    child.once("exit", (c) => reject(new Error(`the signed publisher exited (${c})`)));
  });
  // Paced runs take messages / rate seconds; a minute over that is a hang.
  const ms = (args.rate ? (args.messages.length / args.rate) * 1000 : 0) + 60_000;
  return withinDeadline(child, `the signed publisher (${args.messages.length} messages)`, ms, sent).finally(() => rmSync(file, { force: true }));
}

type TMqttRun = { sent: number; sentPerSecond: number; judged: number; lags: number[]; perSecond: number; cores: number; verdicts: Record<string, number> };

async function overBroker(fleet: TSignedFleet, messages: TSignedMessage[], rate: number): Promise<TMqttRun> {
  const broker = await startAclFileBroker({ device: PASSWORD, verifier: PASSWORD });
  try {
    broker.setAcl(`user device\ntopic write devices/#\n\nuser verifier\ntopic read devices/#\n`);
    const verifier = await broker.connect("verifier", PASSWORD);
    const keyOf = await fleet.keyOf();
    const counters = countersOf();
    const index = new Map(messages.map((m, i) => [`${m.kid}|${m.ctr}`, i]));
    const judgedAt = new Map<number, number>();
    const verdicts: Record<string, number> = {};
    let probed = false;
    // CPU time of this process from the first message's arrival until the latest verdict.
    const cpu = { since: null as NodeJS.CpuUsage | null, at: 0, used: 0 };
    verifier.on("message", (topic, payload) => {
      if (topic === "devices/probe/telemetry") return void (probed = true);
      if (!cpu.since) Object.assign(cpu, { since: process.cpuUsage(), at: now() });
      void verifierWork({ topic, payload }, keyOf, counters).then((j) => {
        verdicts[j.verdict] = (verdicts[j.verdict] ?? 0) + 1;
        judgedAt.set(index.get(`${j.kid}|${j.ctr}`) ?? -1, now());
        const used = process.cpuUsage(cpu.since!);
        cpu.used = used.user + used.system;
      });
    });
    await verifier.subscribeAsync(FILTER, { qos: 0 });
    // The acl_file is read on SIGHUP: wait until the device's messages reach the verifier.
    const probe = await broker.connect("device", PASSWORD);
    await eventually(async () => (await probe.publishAsync("devices/probe/telemetry", "p", { qos: 1 }), probed), "the broker to apply its ACL", 10_000, 100);
    await probe.endAsync();
    const ca = readFileSync(path.join(broker.dir, "ca.crt"), "utf8");
    const sent = await runPublisher({ port: broker.port, caPem: ca, rate, messages: messages.map((m) => ({ topic: m.topic, payload: m.payload.toString() })) });
    let seen = -1;
    await eventually(() => (judgedAt.size === messages.length || judgedAt.size === seen ? true : ((seen = judgedAt.size), false)), "the last verdicts", 30_000, 1_000);
    await verifier.endAsync();
    const lags = [...judgedAt].filter(([i]) => i >= 0).sort(([a], [b]) => a - b).map(([i, at]) => at - sent[i]!);
    // From the first verdict to the last: what the verifier's side sustained (a backlog stretches it).
    const last = Math.max(...judgedAt.values());
    const ms = last - Math.min(...judgedAt.values());
    const cores = cpu.used / 1000 / (last - cpu.at);
    const sentPerSecond = (sent.length - 1) / ((sent.at(-1)! - sent[0]!) / 1000);
    return { sent: sent.length, sentPerSecond, judged: judgedAt.size, lags, perSecond: (judgedAt.size - 1) / (ms / 1000), cores, verdicts };
  } finally {
    await broker.stop();
  }
}

const tally = (v: Record<string, number>) => Object.entries(v).map(([k, n]) => `${n.toLocaleString("en")} ${k}`).join(", ");

export async function signingOverMqtt(fleet: TSignedFleet, messages: TSignedMessage[]): Promise<TFigure[]> {
  const paced = await overBroker(fleet, messages, SIGNING_GOAL);
  const flood = await overBroker(fleet, messages, 0);
  const where = "end to end over MQTT (Mosquitto, TLS, QoS 0; publisher in its own process, the verifier's work in this one)";
  const tenth = Math.floor(paced.lags.length / 10);
  const lagOf = (lags: number[]) => `${round(percentile(lags, 50), 1)} ms`;
  return [
    { name: `signing: Ed25519 at ${SIGNING_GOAL.toLocaleString("en")}/s offered for ${round(messages.length / SIGNING_GOAL, 0)} s, sustained verdicts per second`, value: round(paced.perSecond, 0), unit: "msg/s", goal: null, baseline: { value: round(paced.sentPerSecond, 0), what: "the publisher's own rate, as sent" }, note: `${where}; ${round(paced.cores, 2)} cores busy in the verifier's process; ${paced.judged.toLocaleString("en")} of ${paced.sent.toLocaleString("en")} judged: ${tally(paced.verdicts)}` },
    { name: `signing: Ed25519 at ${SIGNING_GOAL.toLocaleString("en")}/s offered, publish to verdict, p95`, value: round(percentile(paced.lags, 95), 1), unit: "ms", goal: null, baseline: null, note: `p50 ${lagOf(paced.lags)}; p50 of the first tenth ${lagOf(paced.lags.slice(0, tenth))}, of the last tenth ${lagOf(paced.lags.slice(-tenth))}` },
    { name: "signing: Ed25519 as fast as the publisher sends, verdicts per second", value: round(flood.perSecond, 0), unit: "msg/s", goal: { op: ">=", value: SIGNING_GOAL }, baseline: { value: round(flood.sentPerSecond, 0), what: "the publisher's own rate, as sent" }, note: `${where}; ${round(flood.cores, 2)} cores busy in the verifier's process; ${flood.judged.toLocaleString("en")} of ${flood.sent.toLocaleString("en")} judged (the broker drops QoS 0 messages beyond its queue): ${tally(flood.verdicts)}` },
  ];
}
