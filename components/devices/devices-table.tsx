"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { FileUp, Plus, Smartphone } from "lucide-react";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/field";
import { LoadMore } from "@/components/ui/load-more";
import { Table, Td, Th } from "@/components/ui/table";
import { api, qs } from "@/lib/client/api";
import type { TDevice } from "@/lib/schemas/device";

export const AUTH_LABELS: Record<TDevice["authType"], string> = { PASSWORD: "Password", PSK: "TLS-PSK", X509: "X.509" };

export function DeviceStatus({ d }: { d: Pick<TDevice, "disabled" | "hasCredential"> }) {
  if (!d.hasCredential) return <Badge tone="danger">Revoked</Badge>;
  return d.disabled ? <Badge tone="warn">Disabled</Badge> : <Badge tone="ok">Active</Badge>;
}

export function DevicesTable({ canManage }: { canManage: boolean }) {
  const [q, setQ] = useState("");
  const devices = useInfiniteQuery({
    queryKey: ["devices", q],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => api<{ items: TDevice[]; nextCursor: string | null }>("GET", `/api/v1/devices${qs({ q, cursor: pageParam, limit: 100 })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = devices.data?.pages.flatMap((p) => p.items) ?? [];
  const onSearch = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setQ(String(new FormData(e.currentTarget).get("q") ?? "").trim());
  };
  return (
    <Card>
      <CardHeader
        title="Devices"
        description="Each device has its own credential. Search by client id, name or tag."
        actions={
          <>
            <form onSubmit={onSearch} role="search" className="flex gap-2">
              <Input name="q" aria-label="Search devices" placeholder="Search…" className="h-8 w-56" defaultValue={q} />
            </form>
            {canManage ? <Button asChild variant="secondary"><Link href="/devices/import"><FileUp className="size-4" /> Import CSV</Link></Button> : null}
            {canManage ? <Button asChild><Link href="/devices/new"><Plus className="size-4" /> New device</Link></Button> : null}
          </>
        }
      />
      {devices.isPending ? (
        <p className="px-4 py-6 text-center text-muted">Loading…</p>
      ) : devices.isError ? (
        <p role="alert" className="px-4 py-6 text-center text-danger">{devices.error.message}</p>
      ) : items.length === 0 ? (
        <EmptyState icon={Smartphone} title={q ? "No device matches" : "No devices yet"}>
          {q ? "Try another client id, name or tag." : canManage ? "Onboard the first one with New device." : "An operator or admin onboards devices."}
        </EmptyState>
      ) : (
        <Table>
          <thead>
            <tr><Th>Client id</Th><Th>Name</Th><Th>Credential</Th><Th>Status</Th><Th>Tags</Th><Th>Created</Th></tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id} data-testid={`device-row-${d.clientId}`} className="hover:bg-gray-50">
                <Td><Link className="font-mono text-xs text-brand hover:underline" href={`/devices/${d.id}`}>{d.clientId}</Link></Td>
                <Td className="text-muted">{d.name ?? "—"}</Td>
                <Td>{AUTH_LABELS[d.authType]}</Td>
                <Td><DeviceStatus d={d} /></Td>
                <Td className="space-x-1">{d.tags.map((t) => <Badge key={t}>{t}</Badge>)}</Td>
                <Td className="text-muted">{new Date(d.createdAt).toLocaleDateString("en-GB")}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <LoadMore query={devices} />
    </Card>
  );
}
