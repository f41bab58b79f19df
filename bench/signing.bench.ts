// Issue "message signing" figures: how many signed messages per second the verifier's per-message work (judge the
// envelope with lib/domain/message-signing, then the SHA-256 digest its verdict row carries) gets through in this one
// process, for Ed25519 and HMAC-SHA256 messages, one at a time and with 100 in flight (the verifier starts one
// judgement per arriving message without waiting for the last). Baseline in the same run: Node's own crypto on the
// same messages, the primitive alone (no jose, no envelope). The goal: keep up with 5,000 signed messages per second
// on this machine. End to end over a real broker: signing-mqtt.ts.
import { createHmac, timingSafeEqual, verify } from "node:crypto";
import { readEnvelope } from "@/lib/domain/message-signing";
import { percentile, round, type TFigure } from "./figures";
import { countersOf, SIGNING_GOAL, signAll, signedFleet, verifierWork, type TSignedFleet, type TSignedMessage } from "./signed-messages";
import { signingOverMqtt } from "./signing-mqtt";

const MESSAGES = 20_000;
const WARM = 2_000;
const DEVICES = 20;
const IN_FLIGHT = 100;

type TRun = { perSecond: number; p50: number; p95: number; cores: number; verdicts: Record<string, number> };

/** Runs the verifier's work on every message, one at a time or IN_FLIGHT at once; per-message times only when sequential. */
async function judgeAll(messages: TSignedMessage[], keyOf: Awaited<ReturnType<TSignedFleet["keyOf"]>>, inFlight: number): Promise<TRun> {
  const counters = countersOf();
  const verdicts: Record<string, number> = {};
  const times: number[] = [];
  const one = async (m: TSignedMessage) => {
    const j = await verifierWork(m, keyOf, counters);
    verdicts[j.verdict] = (verdicts[j.verdict] ?? 0) + 1;
  };
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  if (inFlight === 1) {
    for (const m of messages) {
      const t = performance.now();
      await one(m);
      times.push(performance.now() - t);
    }
  } else {
    for (let i = 0; i < messages.length; i += inFlight) await Promise.all(messages.slice(i, i + inFlight).map(one));
  }
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { perSecond: messages.length / (ms / 1000), p50: percentile(times, 50) * 1000, p95: percentile(times, 95) * 1000, cores: (used.user + used.system) / 1000 / ms, verdicts };
}

/** The primitive alone on the same messages: signing input and signature split off beforehand. */
function primitivePerSecond(fleet: TSignedFleet, messages: TSignedMessage[]): number {
  const keys = new Map(fleet.keys.map((k) => [k.kid, k]));
  const parts = messages.map((m) => {
    const text = m.payload.toString();
    const dot = text.lastIndexOf(".");
    return { key: keys.get(m.kid)!, input: Buffer.from(text.slice(0, dot)), sig: Buffer.from(text.slice(dot + 1), "base64url") };
  });
  let ok = 0;
  const t0 = performance.now();
  for (const p of parts) {
    if (fleet.algorithm === "EdDSA" ? verify(null, p.input, p.key.verify, p.sig) : timingSafeEqual(createHmac("sha256", p.key.secret!).update(p.input).digest(), p.sig)) ok++;
  }
  const perSecond = parts.length / ((performance.now() - t0) / 1000);
  if (ok !== parts.length) throw new Error(`the baseline verified ${ok} of ${parts.length} messages`);
  return perSecond;
}

const tally = (v: Record<string, number>) => Object.entries(v).map(([k, n]) => `${n.toLocaleString("en")} ${k}`).join(", ");

type TSample = { fleet: TSignedFleet; warm: TSignedMessage[]; messages: TSignedMessage[] };

async function sample(fleet: TSignedFleet): Promise<TSample> {
  const warm = await signAll(fleet, WARM);
  return { fleet, warm, messages: await signAll(fleet, MESSAGES) };
}

async function algorithmFigures({ fleet, warm, messages }: TSample, label: string): Promise<TFigure[]> {
  const keyOf = await fleet.keyOf();
  await judgeAll(warm, keyOf, 1);
  await judgeAll(warm, keyOf, IN_FLIGHT);
  primitivePerSecond(fleet, warm);
  const seq = await judgeAll(messages, keyOf, 1);
  const par = await judgeAll(messages, keyOf, IN_FLIGHT);
  const base = { value: round(primitivePerSecond(fleet, messages), 0), what: fleet.algorithm === "EdDSA" ? "Node crypto.verify (Ed25519), same messages" : "Node createHmac + timingSafeEqual, same messages" };
  const size = `${DEVICES} devices, ${messages[0]!.payload.length}-byte payloads, ${MESSAGES.toLocaleString("en")} messages after ${WARM.toLocaleString("en")} warm-up`;
  return [
    { name: `signing: ${label}, judged + digest per second, one at a time`, value: round(seq.perSecond, 0), unit: "msg/s", goal: null, baseline: base, note: `p50 ${round(seq.p50, 0)} µs, p95 ${round(seq.p95, 0)} µs per message; ${round(seq.cores, 2)} cores busy; ${size}; ${tally(seq.verdicts)}` },
    { name: `signing: ${label}, judged + digest per second, ${IN_FLIGHT} in flight`, value: round(par.perSecond, 0), unit: "msg/s", goal: { op: ">=", value: SIGNING_GOAL }, baseline: base, note: `${round(par.cores, 2)} cores busy (WebCrypto runs on libuv's thread pool); ${tally(par.verdicts)}` },
  ];
}

/** What reading the envelope alone costs (readEnvelope: split, base64url, JSON), before jose parses it again. */
function envelopeFigure(messages: TSignedMessage[]): TFigure {
  for (const m of messages.slice(0, WARM)) readEnvelope(m.payload);
  const t0 = performance.now();
  for (const m of messages) readEnvelope(m.payload);
  return { name: "signing: reading the envelope alone (readEnvelope), per message", value: round(((performance.now() - t0) * 1000) / messages.length, 1), unit: "µs", goal: null, baseline: null };
}

export async function signingBench(): Promise<TFigure[]> {
  const ed = await sample(await signedFleet("EdDSA", DEVICES));
  const hs = await sample(await signedFleet("HS256", DEVICES));
  const figures = [
    ...(await algorithmFigures(ed, "Ed25519")),
    ...(await algorithmFigures(hs, "HMAC-SHA256")),
    envelopeFigure(ed.messages),
  ];
  return [...figures, ...(await signingOverMqtt(ed.fleet, ed.messages))];
}
