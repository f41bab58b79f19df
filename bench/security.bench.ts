// Security events: ingesting 1,000 broker events per second (as the worker does, in batches every 250 ms) with every
// detection rule running on them, for 20 s. Keeping up means each batch is stored and checked before the next.
import { ingestSecurityEvents, type TAgentEvent } from "@/lib/server/services/security/ingest-security-events";
import { percentile, round, type TFigure } from "./figures";

const RATE = 1_000;
const SECONDS = 20;
const EVERY_MS = 250;

export async function securityBench(): Promise<TFigure[]> {
  const perBatch = (RATE * EVERY_MS) / 1000;
  let seq = 0;
  const event = (i: number): TAgentEvent => {
    const at = Date.now();
    const n = seq++;
    const r = n % 10;
    const client = `bench-dev-${n % 1_000}`;
    const ip = `10.${(n >> 8) % 4}.${n % 250}.${(n * 7) % 250}`;
    // 60 % connects, 30 % disconnects, 10 % refused logins (from 20 addresses), a handshake now and then.
    if (r < 6) return { kind: "connect", clientId: client, ip, at, seq: n };
    if (r < 9) return { kind: "disconnect", clientId: client, reason: "disconnected", at, seq: n };
    return i % 50 === 0 ? { kind: "refused", clientId: null, ip: `192.0.2.${n % 20}`, reason: "TLS handshake failed: certificate verify failed", tls: true, at, seq: n } : { kind: "refused", clientId: null, ip: `192.0.2.${n % 20}`, reason: "not authorised", at, seq: n };
  };
  const batches: number[] = [];
  let stored = 0;
  let behind = 0;
  const start = performance.now();
  for (let b = 0; b < (SECONDS * 1000) / EVERY_MS; b++) {
    const due = start + b * EVERY_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else behind = Math.max(behind, -wait);
    const t = performance.now();
    stored += (await ingestSecurityEvents("bench-broker", Array.from({ length: perBatch }, (_, i) => event(i)))).stored;
    batches.push(performance.now() - t);
  }
  const wall = (performance.now() - start) / 1000;
  return [
    { name: `security events: ${RATE.toLocaleString("en")}/s for ${SECONDS} s, stored per second`, value: round(stored / wall, 0), unit: "events/s", goal: { op: ">=", value: RATE * 0.98 }, baseline: null, note: "all rules running" },
    { name: "security events: batch of 250 stored and checked, p95", value: round(percentile(batches, 95)), unit: "ms", goal: { op: "<=", value: EVERY_MS }, baseline: null },
    { name: "security events: most behind schedule", value: round(behind), unit: "ms", goal: null, baseline: null },
  ];
}
