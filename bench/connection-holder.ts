// Holds many TLS-PSK device connections open on one broker, in a process of its own, so a benchmark can
// measure the broker under that load.
import { fork } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { MqttClient } from "mqtt";
import { connectPsk } from "@/lib/fleet/testing/psk-client";
import { exitOf, withinDeadline } from "./children";

type THolderArgs = { port: number; devices: { pskIdentity: string; pskKey: string }[] };

async function hold(a: THolderArgs) {
  const clients: MqttClient[] = [];
  let next = 0;
  const workers = Array.from({ length: 40 }, async () => {
    while (next < a.devices.length) {
      const d = a.devices[next++]!;
      clients.push(await connectPsk(a.port, d.pskIdentity, d.pskKey));
    }
  });
  await Promise.all(workers);
  process.send!({ connected: clients.length });
  process.on("message", async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    process.exit(0);
  });
}

if (process.env.FLEETWARD_HOLDER) void hold(JSON.parse(readFileSync(process.env.FLEETWARD_HOLDER, "utf8")) as THolderArgs);

/** Opens the connections (split over `processes` processes) and resolves once all are up. */
export async function holdConnections(port: number, devices: THolderArgs["devices"], processes = 2) {
  const per = Math.ceil(devices.length / processes);
  const children = await Promise.all(
    Array.from({ length: processes }, (_, i) => {
      const file = path.join(os.tmpdir(), `fleetward-holder-${process.pid}-${i}.json`);
      writeFileSync(file, JSON.stringify({ port, devices: devices.slice(i * per, (i + 1) * per) }), { mode: 0o600 });
      const child = fork(path.resolve(import.meta.dirname, "connection-holder.ts"), [], {
        execArgv: ["--conditions=react-server", "--import", import.meta.resolve("tsx"), "--max-old-space-size=4096"],
        env: { ...process.env, FLEETWARD_HOLDER: file },
      });
      const connected = new Promise<typeof child>((resolve, reject) => {
        child.once("message", () => resolve(child));
        child.once("exit", (c) => reject(new Error(`connection holder exited (${c})`)));
      });
      // 40 connects at a time over TLS-PSK: thousands in well under a minute on a small machine.
      return withinDeadline(child, `connection holder ${i}, opening ${Math.min(per, devices.length - i * per)} connections`, 600_000, connected);
    }),
  );
  return {
    stop: async () => {
      await Promise.all(children.map((c, i) => (c.send("stop"), withinDeadline(c, `connection holder ${i}, closing its connections`, 60_000, exitOf(c)))));
    },
  };
}
