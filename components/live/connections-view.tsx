"use client";
import { useEffect, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { Input } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
import { STALE_AFTER_MS, useLiveFleet, type TLiveBroker } from "@/lib/live/use-live-fleet";

/** Rows drawn at once; the filter narrows the rest. */
const SHOWN = 500;

const time = (ms: number) => new Date(ms).toLocaleTimeString("en-GB");

function BrokerLink({ b, now }: { b: TLiveBroker; now: number }) {
  const stale = b.state === "live" && b.lastMessageAt !== null && now - b.lastMessageAt > STALE_AFTER_MS;
  const tone = b.state !== "live" ? "warn" : stale ? "warn" : "ok";
  const label = b.state === "connecting" ? "connecting" : b.state === "reconnecting" ? `reconnecting (attempt ${b.attempts})` : stale ? "stale" : "live";
  return (
    <span className="flex items-center gap-1 text-xs" data-testid={`link-${b.name}`}>
      <span className="font-medium">{b.name}</span> <Badge tone={tone}>{label}</Badge>
    </span>
  );
}

/** Clients connected across the fleet as each broker's agent sees them, and recent disconnects with reasons. */
export function ConnectionsView() {
  const { brokers, clients, history, error } = useLiveFleet();
  const [q, setQ] = useState("");
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 2_000);
    return () => clearInterval(t);
  }, []);
  const needle = q.trim().toLowerCase();
  const rows = clients
    .filter((c) => !needle || [c.clientId, c.username ?? "", c.ip, c.broker].some((v) => v.toLowerCase().includes(needle)))
    .sort((a, b) => b.since - a.since);
  const staleBrokers = new Set(brokers.filter((b) => b.state !== "live" || (b.lastMessageAt !== null && now - b.lastMessageAt > STALE_AFTER_MS)).map((b) => b.name));
  return (
    <div className="space-y-4">
      <Card>
        <CardHeader
          title={`Connected clients (${clients.length})`}
          description="Live from each broker's agent, over MQTT through Fleetward's relay with a short-lived read-only credential."
          actions={<div className="flex flex-wrap gap-3" aria-label="Brokers">{brokers.map((b) => <BrokerLink key={b.id} b={b} now={now} />)}</div>}
        />
        {error ? <p role="alert" className="border-b border-line px-4 py-2 text-danger">{error}</p> : null}
        <div className="border-b border-line p-3">
          <Input aria-label="Filter connections" placeholder="Filter by client id, username, IP or broker" value={q} onChange={(e) => setQ(e.target.value)} className="max-w-md" />
        </div>
        <Table data-testid="connections">
          <thead><tr><Th>Client id</Th><Th>Username</Th><Th>Broker</Th><Th>IP</Th><Th>Protocol</Th><Th>Keepalive</Th><Th>Connected since</Th></tr></thead>
          <tbody>
            {rows.slice(0, SHOWN).map((c) => (
              <tr key={`${c.broker}/${c.clientId}`} className={staleBrokers.has(c.broker) ? "text-muted" : ""} data-client={c.clientId}>
                <Td className="font-mono text-xs">{c.clientId}</Td>
                <Td>{c.username ?? "—"}</Td>
                <Td>{c.broker}{staleBrokers.has(c.broker) ? <Badge tone="warn" className="ml-1">stale</Badge> : null}</Td>
                <Td className="font-mono text-xs">{c.ip}</Td>
                <Td>{c.protocol}</Td>
                <Td>{c.keepalive} s</Td>
                <Td>{time(c.since)}</Td>
              </tr>
            ))}
            {rows.length === 0 ? <tr><Td colSpan={7} className="py-6 text-center text-muted">{clients.length ? "No connection matches the filter." : "No client is connected."}</Td></tr> : null}
          </tbody>
        </Table>
        {rows.length > SHOWN ? <p className="px-4 py-2 text-xs text-muted">Showing the newest {SHOWN} of {rows.length}; filter to find others.</p> : null}
      </Card>
      <Card>
        <CardHeader title="Disconnects" description={`The latest ${history.length} since this page opened, with the broker's reason.`} />
        <Table data-testid="disconnects">
          <thead><tr><Th>Time</Th><Th>Client id</Th><Th>Broker</Th><Th>Reason</Th></tr></thead>
          <tbody>
            {history.map((h, i) => (
              <tr key={`${h.at}-${i}`}><Td>{time(h.at)}</Td><Td className="font-mono text-xs">{h.clientId}</Td><Td>{h.broker}</Td><Td>{h.reason}</Td></tr>
            ))}
            {history.length === 0 ? <tr><Td colSpan={4} className="py-6 text-center text-muted">No disconnect yet.</Td></tr> : null}
          </tbody>
        </Table>
      </Card>
    </div>
  );
}
