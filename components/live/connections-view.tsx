"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Input } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
import { api } from "@/lib/client/api";
import { fleetwardIdentity, isReservedName } from "@/lib/domain/reserved-names";
import { STALE_AFTER_MS, type TLiveBroker, type useLiveFleet } from "@/lib/live/use-live-fleet";
import { AuthFailureAlert } from "./auth-failure-alert";
import { TopicTraffic } from "./topic-traffic";
import { TrafficCard } from "./traffic-card";

/** Rows are drawn only where the table is scrolled to: tens of thousands stay responsive. */
const ROW_PX = 37;
const WINDOW_ROWS = 40;

const time = (ms: number) => new Date(ms).toLocaleTimeString("en-GB");

type TKnownDevice = { id: string; clientId: string; name: string | null };
/** Client ids looked up; an id found to be no device is asked about again after this long. */
const UNKNOWN_FOR_MS = 30_000;
const LOOKUPS_KEPT = 20_000;

/**
 * Which of the client ids drawn are known devices, looked up as rows come into view (so 10,000 rows cost a few
 * requests of 40, not one of 10,000), remembered in bounded memory.
 */
function useKnownDevices(clientIds: readonly string[], now: number) {
  const [known, setKnown] = useState(() => new Map<string, { device: TKnownDevice | null; at: number }>());
  const key = clientIds
    .filter((id) => {
      const k = known.get(id);
      return !k || (k.device === null && now - k.at > UNKNOWN_FOR_MS);
    })
    .sort()
    .join("\n");
  useEffect(() => {
    if (!key) return;
    let cancelled = false;
    const ids = key.split("\n");
    api<{ devices: TKnownDevice[] }>("POST", "/api/v1/devices:lookup", { clientIds: ids })
      .then(({ devices }) => {
        if (cancelled) return;
        const found = new Map(devices.map((d) => [d.clientId, d]));
        const at = Date.now();
        setKnown((prev) => {
          const next = new Map(prev.size > LOOKUPS_KEPT ? [] : prev);
          for (const id of ids) next.set(id, { device: found.get(id) ?? null, at });
          return next;
        });
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [key]);
  /** The device, null when it is none, undefined while not known yet. */
  return (id: string) => known.get(id)?.device;
}

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

/**
 * Clients connected across the fleet as each broker's agent sees them, refused attempts, the brokers' load, the
 * devices' traffic under a filter, and recent disconnects with reasons.
 */
export function ConnectionsView({ live, canDisconnect, canDecrypt, onWatch }: { live: ReturnType<typeof useLiveFleet>; canDisconnect: boolean; canDecrypt: boolean; onWatch: (filter: string | null) => void }) {
  const { brokers, clients, history, refusals, error, load, scope, traffic } = live;
  const [q, setQ] = useState("");
  const [top, setTop] = useState(0);
  const [ownToo, setOwnToo] = useState(false);
  const disconnect = useMutation({ mutationFn: (clientId: string) => api("POST", "/api/v1/live/disconnect", { clientId }) });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 2_000);
    return () => clearInterval(t);
  }, []);
  const needle = q.trim().toLowerCase();
  const rows = clients
    .filter((c) => !needle || [c.clientId, c.username ?? "", c.ip, c.broker].some((v) => v.toLowerCase().includes(needle)))
    .sort((a, b) => b.since - a.since);
  const first = Math.max(0, Math.floor(top / ROW_PX) - 10);
  const shown = rows.slice(first, first + WINDOW_ROWS);
  // Which of the drawn client ids are known devices: the rest stand out.
  const deviceOf = useKnownDevices([...new Set(shown.filter((c) => !fleetwardIdentity(c.username)).map((c) => c.clientId))], now);
  // Fleetward's own connections by their client ids (a kick borrows the device's client id: that one stays shown).
  const ownConnection = (h: { clientId: string; username: string | null }) => fleetwardIdentity(h.username) !== null && isReservedName(h.clientId);
  const shownHistory = ownToo ? history : history.filter((h) => !ownConnection(h));
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
        <div className="px-3 pt-3 empty:hidden"><AuthFailureAlert refusals={refusals} now={now} /></div>
        <div className="flex items-center gap-3 border-b border-line p-3">
          <Input aria-label="Filter connections" placeholder="Filter by client id, username, IP or broker" value={q} onChange={(e) => setQ(e.target.value)} className="max-w-md" />
          {needle ? <p className="text-xs text-muted" data-testid="match-count">{rows.length.toLocaleString("en")} of {clients.length.toLocaleString("en")} match</p> : null}
        </div>
        <div className="max-h-[60vh] overflow-auto" onScroll={(e) => setTop(e.currentTarget.scrollTop)} data-testid="connections-scroll">
          <Table data-testid="connections">
            <thead className="sticky top-0 bg-panel"><tr><Th>Client id</Th><Th>Device</Th><Th>Username</Th><Th>Broker</Th><Th>IP</Th><Th>Protocol</Th><Th>Keepalive</Th><Th>Connected since</Th>{canDisconnect ? <Th /> : null}</tr></thead>
            <tbody>
              {first > 0 ? <tr style={{ height: first * ROW_PX }} aria-hidden /> : null}
              {shown.map((c) => {
                const own = fleetwardIdentity(c.username);
                const device = deviceOf(c.clientId);
                const unknown = !own && device === null;
                return (
                  <tr key={`${c.broker}/${c.clientId}`} style={{ height: ROW_PX }} className={unknown ? "bg-amber-50" : staleBrokers.has(c.broker) ? "text-muted" : ""} data-client={c.clientId}>
                    <Td className="font-mono text-xs">{c.clientId}</Td>
                    <Td>{own ? <Badge>{own}</Badge> : device ? <Link className="text-brand underline" href={`/devices/${device.id}`}>{device.name ?? "device page"}</Link> : unknown ? <Badge tone="warn">unknown client id</Badge> : "…"}</Td>
                    <Td>{c.username ?? "—"}</Td>
                    <Td>{c.broker}{staleBrokers.has(c.broker) ? <Badge tone="warn" className="ml-1">stale</Badge> : null}</Td>
                    <Td className="font-mono text-xs">{c.ip}</Td>
                    <Td>{c.protocol}</Td>
                    <Td>{c.keepalive} s</Td>
                    <Td>{time(c.since)}</Td>
                    {canDisconnect ? (
                      <Td>{own ? null : <Button size="sm" variant="secondary" disabled={disconnect.isPending} onClick={() => window.confirm(`Disconnect ${c.clientId} from every broker? With valid credentials it may connect again.`) && disconnect.mutate(c.clientId)}>Disconnect</Button>}</Td>
                    ) : null}
                  </tr>
                );
              })}
              {rows.length > first + WINDOW_ROWS ? <tr style={{ height: (rows.length - first - WINDOW_ROWS) * ROW_PX }} aria-hidden /> : null}
              {rows.length === 0 ? <tr><Td colSpan={canDisconnect ? 9 : 8} className="py-6 text-center text-muted">{clients.length ? "No connection matches the filter." : "No client is connected."}</Td></tr> : null}
            </tbody>
          </Table>
        </div>
        {disconnect.error ? <p role="alert" className="px-4 py-2 text-xs text-danger">{disconnect.error.message}</p> : null}
        {disconnect.isSuccess ? <p role="status" className="px-4 py-2 text-xs text-muted">Disconnect sent to every broker.</p> : null}
      </Card>
      <Card>
        <CardHeader title="Failed connection attempts" description="Refused by a broker since this page opened: the client id when it gave one, and the address it came from." />
        <Table data-testid="refusals">
          <thead><tr><Th>Time</Th><Th>Client id</Th><Th>IP</Th><Th>Broker</Th><Th>Reason</Th></tr></thead>
          <tbody>
            {refusals.map((r, i) => (
              <tr key={`${r.at}-${i}`}><Td>{time(r.at)}</Td><Td className="font-mono text-xs">{r.clientId ?? "(none given)"}</Td><Td className="font-mono text-xs">{r.ip ?? "unknown"}</Td><Td>{r.broker}</Td><Td>{r.reason}</Td></tr>
            ))}
            {refusals.length === 0 ? <tr><Td colSpan={5} className="py-6 text-center text-muted">No refused attempt yet.</Td></tr> : null}
          </tbody>
        </Table>
      </Card>
      <TrafficCard load={load} />
      <TopicTraffic scope={scope} traffic={traffic} onWatch={onWatch} canDecrypt={canDecrypt} />
      <Card>
        <CardHeader
          title="Disconnects"
          description="The latest since this page opened, with the broker's reason."
          actions={<label className="flex items-center gap-1 text-xs"><input type="checkbox" checked={ownToo} onChange={(e) => setOwnToo(e.target.checked)} /> Fleetward&apos;s own connections too</label>}
        />
        <div className="max-h-[40vh] overflow-auto">
          <Table data-testid="disconnects">
            <thead className="sticky top-0 bg-panel"><tr><Th>Time</Th><Th>Client id</Th><Th>Broker</Th><Th>Reason</Th></tr></thead>
            <tbody>
              {shownHistory.map((h, i) => (
                <tr key={`${h.at}-${i}`}><Td>{time(h.at)}</Td><Td className="font-mono text-xs">{h.clientId}</Td><Td>{h.broker}</Td><Td>{h.reason}</Td></tr>
              ))}
              {shownHistory.length === 0 ? <tr><Td colSpan={4} className="py-6 text-center text-muted">No disconnect yet.</Td></tr> : null}
            </tbody>
          </Table>
        </div>
      </Card>
    </div>
  );
}
