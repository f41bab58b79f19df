"use client";
import { useQuery } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { api } from "@/lib/client/api";
import type { TBroker } from "@/lib/schemas/broker";

/** Whether every broker holds a saved change yet: polls the brokers until each has applied its revision. */
export function EnforcementStatus({ revision, savedAt }: { revision: string | null; savedAt: number }) {
  const brokers = useQuery({
    queryKey: ["brokers", "enforcement", revision],
    queryFn: () => api<{ items: TBroker[] }>("GET", "/api/v1/brokers"),
    enabled: revision !== null,
    refetchInterval: (q) => (q.state.data?.items.every((b) => BigInt(b.appliedRevision) >= BigInt(revision ?? 0)) ? false : 500),
  });
  if (revision === null) return <p role="status" className="text-xs text-muted">Saved. No device holds it, so no broker&apos;s rules changed.</p>;
  const items = brokers.data?.items ?? [];
  const done = items.filter((b) => BigInt(b.appliedRevision) >= BigInt(revision));
  const all = items.length > 0 && done.length === items.length;
  return (
    <p role="status" className="flex flex-wrap items-center gap-2 text-xs">
      <Badge tone={all ? "ok" : "info"}>{all ? "Enforced" : "Pushing"}</Badge>
      {all ? `Enforced on every broker (${items.length}) at revision ${revision}, ${((brokers.dataUpdatedAt - savedAt) / 1000).toFixed(1)} s after saving.` : `Enforced on ${done.length} of ${items.length} brokers (revision ${revision})…`}
    </p>
  );
}
