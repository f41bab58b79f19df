// A connected client in a process of its own (so the benchmark's own work cannot stall it) that publishes to
// itself every few ms and records round trips: the longest in a window is the longest stall a client saw.
import { fork } from "node:child_process";
import path from "node:path";
import type { MqttClient } from "mqtt";
import { connectDevice } from "@/lib/fleet/testing/test-fleet";
import { exitOf, withinDeadline } from "./children";

type TProberArgs = { port: number; caPem: string; clientId: string; password: string; everyMs: number };
type TRequest = { id: number; op: "reset" | "worst" | "stop" };

async function runProber(a: TProberArgs) {
  const client: MqttClient = await connectDevice(a.port, a.caPem, { clientId: a.clientId, username: a.clientId, password: a.password, keepalive: 30 });
  const topic = `devices/${a.clientId}/probe`;
  await client.subscribeAsync(topic, { qos: 0 });
  let worst = 0;
  let lastReceived = performance.now();
  client.on("message", (_t, payload) => {
    const now = performance.now();
    worst = Math.max(worst, now - Number(payload.toString()), now - lastReceived - a.everyMs);
    lastReceived = now;
  });
  const timer = setInterval(() => client.publish(topic, String(performance.now()), { qos: 0 }), a.everyMs);
  process.on("message", async (m: TRequest) => {
    if (m.op === "reset") {
      worst = 0;
      lastReceived = performance.now();
    }
    const silence = performance.now() - lastReceived - a.everyMs;
    process.send!({ id: m.id, worst: Math.max(worst, silence) });
    if (m.op === "stop") {
      clearInterval(timer);
      await client.endAsync();
      process.exit(0);
    }
  });
  process.send!({ id: 0, ready: true });
}

if (process.env.FLEETWARD_PROBER) void runProber(JSON.parse(process.env.FLEETWARD_PROBER) as TProberArgs);

export async function startProber(port: number, caPem: string, clientId: string, password: string, everyMs = 5) {
  const child = fork(path.resolve(import.meta.dirname, "prober.ts"), [], {
    execArgv: ["--conditions=react-server", "--import", import.meta.resolve("tsx")],
    env: { ...process.env, FLEETWARD_PROBER: JSON.stringify({ port, caPem, clientId, password, everyMs }) },
  });
  let next = 1;
  const pending = new Map<number, (worst: number) => void>();
  const ready = new Promise<void>((resolve, reject) => {
    child.once("exit", (c) => reject(new Error(`prober exited (${c})`)));
    child.on("message", (m: { id: number; worst?: number; ready?: boolean }) => {
      if (m.ready) resolve();
      else pending.get(m.id)?.(m.worst ?? NaN);
    });
  });
  await withinDeadline(child, "the prober, connecting", 60_000, ready);
  const ask = (op: TRequest["op"]) =>
    withinDeadline(
      child,
      `the prober, answering "${op}"`,
      30_000,
      new Promise<number>((resolve) => {
        const id = next++;
        pending.set(id, resolve);
        child.send({ id, op } satisfies TRequest);
      }),
    );
  const stop = async () => {
    const worst = await ask("stop");
    await withinDeadline(child, "the prober, exiting", 15_000, exitOf(child));
    return worst;
  };
  return { reset: () => ask("reset"), worst: () => ask("worst"), stop };
}
