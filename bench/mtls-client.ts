// A device's certificate login on a broker's mTLS listener, as the revocation figure needs it: held open, or
// tried once to see whether the broker still lets it in.
import mqtt, { type MqttClient } from "mqtt";

export type TCertDevice = { clientId: string; certPem: string; keyPem: string };

/**
 * Connects with the device's certificate; resolves on CONNACK, rejects on any refusal. A certificate the broker
 * refuses in the TLS handshake only closes the socket (mqtt.js emits no "error" for a TLS alert), so a close
 * before CONNACK counts as a refusal too.
 */
export function connectCert(port: number, caPem: string, d: TCertDevice, keepalive = 60): Promise<MqttClient> {
  const client = mqtt.connect(`mqtts://127.0.0.1:${port}`, {
    ca: caPem,
    cert: d.certPem,
    key: d.keyPem,
    clientId: d.clientId,
    protocolVersion: 5,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    keepalive,
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.end(true);
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    const timer = setTimeout(() => fail(new Error("no CONNACK within 6 s")), 6_000);
    // Errors after CONNACK (a reset when the broker closes the session) must not crash the benchmark.
    client.on("error", fail);
    client.once("close", () => fail(new Error("closed before CONNACK")));
    client.once("connect", () => {
      settled = true;
      clearTimeout(timer);
      resolve(client);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until the device can connect, and returns that connection (left open). */
export async function connectWhenUsable(port: number, caPem: string, d: TCertDevice, timeoutMs = 60_000): Promise<MqttClient> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const c = await connectCert(port, caPem, d).catch(() => null);
    if (c) return c;
    if (performance.now() > deadline) throw new Error(`${d.clientId} never became usable on port ${port}`);
    await sleep(20);
  }
}

/**
 * Tries a fresh connection every `everyMs` until the broker refuses it; returns when it first did and how many
 * attempts were still let in before that.
 */
export async function refusedAt(port: number, caPem: string, d: TCertDevice, timeoutMs = 30_000, everyMs = 10): Promise<{ at: number; admitted: number }> {
  const deadline = performance.now() + timeoutMs;
  let admitted = 0;
  for (;;) {
    const c = await connectCert(port, caPem, d).catch(() => null);
    if (!c) return { at: performance.now(), admitted };
    admitted++;
    await c.endAsync(true);
    if (performance.now() > deadline) throw new Error(`${d.clientId} was still let in on port ${port} after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}
