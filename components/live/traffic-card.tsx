"use client";
import { memo } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { TLoadSample } from "@/lib/domain/broker-load";

export const rate = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
export const bytes = (n: number) => (n >= 1_048_576 ? `${(n / 1_048_576).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n.toFixed(0)} B`);

/** A line of messages per second in and out over the samples kept (up to an hour), placed by time. */
function Sparkline({ samples, label }: { samples: readonly TLoadSample[]; label: string }) {
  const w = 160;
  const h = 32;
  const values = samples.map((s) => s.msgIn + s.msgOut);
  const max = Math.max(1e-9, ...values);
  const from = samples[0]!.at;
  const span = Math.max(1, samples.at(-1)!.at - from);
  const points = samples.map((s, i) => `${samples.length === 1 ? w : ((s.at - from) / span) * w},${h - (values[i]! / max) * (h - 2) - 1}`).join(" ");
  return (
    <svg width={w} height={h} role="img" aria-label={label} className="text-brand">
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}

/** Messages and bytes per second in and out per broker and fleet-wide, from the brokers' own $SYS counters. */
export const TrafficCard = memo(function TrafficCard({ load }: { load: Record<string, TLoadSample[]> }) {
  const names = Object.keys(load).sort();
  const last = names.map((n) => ({ name: n, now: load[n]!.at(-1)!, samples: load[n]! }));
  const total = last.reduce((t, b) => ({ msgIn: t.msgIn + b.now.msgIn, msgOut: t.msgOut + b.now.msgOut, bytesIn: t.bytesIn + b.now.bytesIn, bytesOut: t.bytesOut + b.now.bytesOut, clients: t.clients + b.now.clients }), { msgIn: 0, msgOut: 0, bytesIn: 0, bytesOut: 0, clients: 0 });
  const since = Math.min(...last.map((b) => b.samples[0]!.at));
  return (
    <Card>
      <CardHeader title="Traffic" description={`From each broker's $SYS counters (1-minute averages): the hour its agent kept (every 30 s), then every 5 s while this page is open${last.length ? `; charted since ${new Date(since).toLocaleTimeString("en-GB")}` : ""}.`} />
      <Table data-testid="traffic" data-since={last.length ? since : undefined}>
        <thead><tr><Th>Broker</Th><Th>Clients</Th><Th>Messages/s in</Th><Th>Messages/s out</Th><Th>Bytes/s in</Th><Th>Bytes/s out</Th><Th>Messages/s, last hour</Th></tr></thead>
        <tbody>
          {last.map((b) => (
            <tr key={b.name} data-broker={b.name}>
              <Td className="whitespace-nowrap">{b.name}</Td><Td>{b.now.clients}</Td><Td data-metric="msg-in">{rate(b.now.msgIn)}</Td><Td>{rate(b.now.msgOut)}</Td><Td>{bytes(b.now.bytesIn)}</Td><Td>{bytes(b.now.bytesOut)}</Td>
              <Td><Sparkline samples={b.samples} label={`messages per second on ${b.name}`} /></Td>
            </tr>
          ))}
          {last.length ? (
            <tr className="font-medium"><Td>Fleet</Td><Td>{total.clients}</Td><Td>{rate(total.msgIn)}</Td><Td>{rate(total.msgOut)}</Td><Td>{bytes(total.bytesIn)}</Td><Td>{bytes(total.bytesOut)}</Td><Td /></tr>
          ) : (
            <tr><Td colSpan={7} className="py-6 text-center text-muted">Waiting for the brokers&apos; first samples…</Td></tr>
          )}
        </tbody>
      </Table>
    </Card>
  );
});
