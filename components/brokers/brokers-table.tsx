"use client";
import { useQuery } from "@tanstack/react-query";
import { Plus, Server } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { api } from "@/lib/client/api";
import type { TBroker } from "@/lib/schemas/broker";
import { AddBrokerDialog } from "./add-broker-dialog";
import { formatUptime, SyncStateBadge } from "./sync-state-badge";

export const BROKERS_KEY = ["brokers"];
export const useBrokers = () =>
  useQuery({ queryKey: BROKERS_KEY, queryFn: () => api<{ items: TBroker[] }>("GET", "/api/v1/brokers"), refetchInterval: 5_000 });

export function BrokersTable({ canManage }: { canManage: boolean }) {
  const brokers = useBrokers();
  const [adding, setAdding] = useState(false);
  return (
    <Card>
      <CardHeader
        title="Brokers"
        description="Refreshed every 5 seconds. The desired state lives in Postgres; each broker's agent applies it."
        actions={canManage ? <Button onClick={() => setAdding(true)}><Plus className="size-4" /> Add broker</Button> : null}
      />
      {brokers.isPending ? (
        <p className="px-4 py-6 text-center text-muted">Loading…</p>
      ) : brokers.isError ? (
        <p role="alert" className="px-4 py-6 text-center text-danger">{brokers.error.message}</p>
      ) : brokers.data.items.length === 0 ? (
        <EmptyState icon={Server} title="No brokers registered">
          {canManage ? "Add one with Add broker, or start the local demo fleet with `npx fleetward fleet up --brokers 3`." : "An operator or admin registers brokers."}
        </EmptyState>
      ) : (
        <Table>
          <thead>
            <tr><Th>Name</Th><Th>Sync state</Th><Th>Host</Th><Th>Version</Th><Th>Uptime</Th><Th className="text-right">Clients</Th><Th className="text-right">Revision</Th><Th>Last error</Th></tr>
          </thead>
          <tbody>
            {brokers.data.items.map((b) => (
              <tr key={b.id} data-testid={`broker-row-${b.name}`} className="hover:bg-gray-50">
                <Td><Link href={`/brokers/${b.id}`} className="font-medium text-brand hover:underline">{b.name}</Link></Td>
                <Td><SyncStateBadge state={b.syncState} /></Td>
                <Td className="font-mono text-xs">{b.host}:{b.ports.admin}</Td>
                <Td className="text-muted">{b.version?.replace("mosquitto version ", "Mosquitto ") ?? "—"}</Td>
                <Td className="text-muted">{formatUptime(b.uptimeSeconds)}</Td>
                <Td className="text-right tabular-nums">{b.connectedClients ?? "—"}</Td>
                <Td className="text-right tabular-nums text-muted">{b.appliedRevision} / {b.desiredRevision}</Td>
                <Td className="max-w-64 truncate text-xs text-danger" title={b.lastError ?? undefined}>{b.lastError ?? ""}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {canManage ? <AddBrokerDialog open={adding} onOpenChange={setAdding} /> : null}
    </Card>
  );
}
