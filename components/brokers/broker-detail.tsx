"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { RefreshCw } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { api } from "@/lib/client/api";
import type { TBroker } from "@/lib/schemas/broker";
import { DriftDiff } from "./drift-diff";
import { formatUptime, SyncStateBadge } from "./sync-state-badge";
import { TlsPosture } from "./tls-posture";

const ENDPOINTS: { key: keyof TBroker["ports"]; label: string; scheme: string }[] = [
  { key: "admin", label: "Admin channel (mTLS, Fleetward only)", scheme: "mqtts" },
  { key: "tlsPassword", label: "Devices: TLS + password", scheme: "mqtts" },
  { key: "mtls", label: "Devices: mutual TLS (CN = client id)", scheme: "mqtts" },
  { key: "psk", label: "Devices: TLS-PSK", scheme: "mqtts" },
  { key: "wss", label: "MQTT over secure WebSockets", scheme: "wss" },
  { key: "live", label: "Live views (Fleetward's relay only)", scheme: "wss" },
];

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en-GB") : "—");

export function BrokerDetail({ id, canManage }: { id: string; canManage: boolean }) {
  const qc = useQueryClient();
  const broker = useQuery({ queryKey: ["brokers", id], queryFn: () => api<TBroker>("GET", `/api/v1/brokers/${id}`), refetchInterval: 3_000 });
  const reconcile = useMutation({
    mutationFn: () => api("POST", `/api/v1/brokers/${id}/reconcile`, {}),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["brokers"] }),
  });
  if (broker.isPending) return <p className="text-muted">Loading…</p>;
  if (broker.isError) return <p role="alert" className="text-danger">{broker.error.message}</p>;
  const b = broker.data;
  return (
    <div className="space-y-4">
      <Card>
        <CardHeader
          title={b.name}
          description={b.tags.length ? `Tags: ${b.tags.join(", ")}` : undefined}
          actions={
            <>
              <SyncStateBadge state={b.syncState} />
              {canManage ? (
                <Button size="sm" variant="secondary" onClick={() => reconcile.mutate()} disabled={reconcile.isPending}>
                  <RefreshCw className="size-3.5" /> Reconcile now
                </Button>
              ) : null}
            </>
          }
        />
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 px-4 py-3 md:grid-cols-4">
          {[
            ["Reachable", b.reachable ? "yes" : "no"],
            ["Enforcement", b.enforcement === "plugin" ? "Fleetward plugin (deltas)" : "files (passwd, acl, psk)"],
            ["Version", b.version ?? "—"],
            ["Uptime", formatUptime(b.uptimeSeconds)],
            ["Connected clients", b.connectedClients ?? "—"],
            ["Desired revision", b.desiredRevision],
            ["Applied revision", b.appliedRevision],
            ["Last applied", when(b.appliedAt)],
            ["Last heard from", when(b.lastSeenAt)],
          ].map(([k, v]) => (
            <div key={k}>
              <dt className="text-xs text-muted">{k}</dt>
              <dd className="tabular-nums">{v}</dd>
            </div>
          ))}
        </dl>
        {reconcile.isSuccess ? <p className="border-t border-line px-4 py-2 text-xs text-ok">Reconcile queued: the agent will receive the whole desired state.</p> : null}
        {b.lastError ? <p role="alert" className="border-t border-line bg-red-50 px-4 py-2 text-xs text-danger">Last error: {b.lastError}</p> : null}
      </Card>
      <Card>
        <CardHeader title="Drift" description="Files on the broker compared with what Fleetward last applied (SHA-256, reported by the agent every 5 s)." />
        <p className="px-4 py-3" data-testid="drift">
          {b.driftedFiles.length === 0 ? (
            <span className="text-ok">No drift: every managed file matches.</span>
          ) : (
            <span className="text-warn">
              Changed on the broker: {b.driftedFiles.map((f) => <Badge key={f} tone="warn" className="mr-1">{f}</Badge>)} A reconcile restores them from Postgres.
            </span>
          )}
        </p>
        <DriftDiff id={id} />
      </Card>
      <Card>
        <CardHeader title="Endpoints" />
        <ul className="divide-y divide-line">
          {ENDPOINTS.filter((e) => b.ports[e.key] !== undefined).map((e) => (
            <li key={e.key} className="flex justify-between gap-4 px-4 py-2">
              <span className="text-muted">{e.label}</span>
              <code className="font-mono text-xs">{e.scheme}://{b.host}:{b.ports[e.key]}{e.scheme === "wss" ? "/mqtt" : ""}</code>
            </li>
          ))}
        </ul>
      </Card>
      <TlsPosture id={id} />
    </div>
  );
}
