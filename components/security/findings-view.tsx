"use client";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { ShieldCheck } from "lucide-react";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Select } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
import { api, qs } from "@/lib/client/api";
import type { TFinding } from "@/lib/schemas/security";

type TPage = { items: TFinding[]; nextCursor: string | null; open: Record<string, number> };
const TONE = { critical: "danger", high: "danger", medium: "warn", low: "info" } as const;
const when = (iso: string) => new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium" });

/** The findings, open ones first by default; an admin resolves one once dealt with. */
export function FindingsView({ canManage }: { canManage: boolean }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<"open" | "resolved" | "all">("open");
  const [severity, setSeverity] = useState("");
  const [shown, setShown] = useState<string | null>(null);
  const findings = useInfiniteQuery({
    queryKey: ["findings", status, severity],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => api<TPage>("GET", `/api/v1/security/findings${qs({ status, severity, cursor: pageParam, limit: 50 })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 10_000,
  });
  const posture = useMutation({
    mutationFn: () => api<{ open: number; raised: number; resolved: number }>("POST", "/api/v1/security/posture/run", {}),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["findings"] }),
  });
  const resolve = useMutation({
    mutationFn: (id: string) => api("POST", `/api/v1/security/findings/${id}/resolve`, {}),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["findings"] }),
  });
  const open = findings.data?.pages[0]?.open;
  const items = findings.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card>
      <CardHeader
        title="Findings"
        description={open ? `Open: ${open.critical ?? 0} critical, ${open.high ?? 0} high, ${open.medium ?? 0} medium, ${open.low ?? 0} low.` : "Raised as the brokers report connections, refusals and failed handshakes."}
        actions={
          <>
            {canManage ? (
              <Button size="sm" variant="secondary" onClick={() => posture.mutate()} disabled={posture.isPending}>{posture.isPending ? "Checking…" : "Run posture checks"}</Button>
            ) : null}
            <Select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)} className="h-8 w-32">
              <option value="open">Open</option>
              <option value="resolved">Resolved</option>
              <option value="all">All</option>
            </Select>
            <Select aria-label="Severity" value={severity} onChange={(e) => setSeverity(e.target.value)} className="h-8 w-40">
              <option value="">Any severity</option>
              <option value="critical">Critical</option>
              <option value="high">High</option>
              <option value="medium">Medium</option>
              <option value="low">Low</option>
            </Select>
          </>
        }
      />
      {findings.isError ? <p role="alert" className="px-4 py-3 text-danger">{findings.error.message}</p> : null}
      {resolve.error ? <p role="alert" className="px-4 py-3 text-danger">{resolve.error.message}</p> : null}
      {posture.error ? <p role="alert" className="px-4 py-3 text-danger">{posture.error.message}</p> : null}
      {posture.data ? <p role="status" className="border-b border-line px-4 py-2 text-xs text-muted">Posture checked: {posture.data.open} weakness(es) open, {posture.data.raised} new, {posture.data.resolved} resolved. They also run every hour.</p> : null}
      {findings.isPending ? (
        <p className="px-4 py-6 text-center text-muted">Loading…</p>
      ) : items.length === 0 ? (
        <EmptyState icon={ShieldCheck} title={status === "open" ? "No open finding" : "No finding"}>
          The rules watch every broker&apos;s connection events; a finding appears here when one fires.
        </EmptyState>
      ) : (
        <Table data-testid="findings">
          <thead><tr><Th>Severity</Th><Th>Finding</Th><Th>Subject</Th><Th>Times</Th><Th>First seen</Th><Th>Last seen</Th>{canManage ? <Th /> : null}</tr></thead>
          <tbody>
            {items.map((f) => (
              <FindingRow key={f.id} f={f} open={shown === f.id} onToggle={() => setShown(shown === f.id ? null : f.id)} canManage={canManage} onResolve={() => resolve.mutate(f.id)} resolving={resolve.isPending} />
            ))}
          </tbody>
        </Table>
      )}
      {findings.hasNextPage ? (
        <div className="p-3 text-center"><Button variant="secondary" size="sm" onClick={() => findings.fetchNextPage()}>Load older findings</Button></div>
      ) : null}
    </Card>
  );
}

function FindingRow({ f, open, onToggle, canManage, onResolve, resolving }: { f: TFinding; open: boolean; onToggle: () => void; canManage: boolean; onResolve: () => void; resolving: boolean }) {
  return (
    <>
      <tr className="cursor-pointer hover:bg-gray-50" onClick={onToggle} aria-expanded={open} data-rule={f.rule} data-subject={f.subject}>
        <Td><Badge tone={TONE[f.severity]}>{f.severity}</Badge></Td>
        <Td>{f.title}{f.resolvedAt ? <Badge className="ml-2">resolved</Badge> : null}</Td>
        <Td className="font-mono text-xs">{f.subject}</Td>
        <Td>{f.count}</Td>
        <Td className="whitespace-nowrap text-muted">{when(f.firstAt)}</Td>
        <Td className="whitespace-nowrap text-muted">{when(f.lastAt)}</Td>
        {canManage ? (
          <Td>{f.resolvedAt ? null : <Button size="sm" variant="secondary" disabled={resolving} onClick={(e) => (e.stopPropagation(), onResolve())}>Resolve</Button>}</Td>
        ) : null}
      </tr>
      {open ? (
        <tr>
          <Td colSpan={canManage ? 7 : 6} className="bg-gray-50 text-sm">
            <p>{f.detail}</p>
            <pre className="mt-2 whitespace-pre-wrap break-all font-mono text-xs text-muted">{JSON.stringify(f.evidence, null, 2)}</pre>
            {f.resolvedAt ? <p className="mt-2 text-xs text-muted">Resolved by {f.resolvedBy} on {when(f.resolvedAt)}.</p> : null}
          </Td>
        </tr>
      ) : null}
    </>
  );
}
