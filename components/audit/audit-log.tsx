"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { api, ApiError, qs } from "@/lib/client/api";
import type { TAuditEvent } from "@/lib/schemas/audit";
import { AuditTable } from "./audit-table";

type TFilters = { q: string; actor: string; action: string; target: string; from: string; to: string };
const EMPTY: TFilters = { q: "", actor: "", action: "", target: "", from: "", to: "" };
type TPage = { items: TAuditEvent[]; nextCursor: string | null };

const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

export function AuditLog() {
  const [filters, setFilters] = useState<TFilters>(EMPTY);
  const query = useInfiniteQuery({
    queryKey: ["audit", filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      api<TPage>("GET", `/api/v1/audit${qs({ ...filters, from: toIso(filters.from), to: toIso(filters.to), cursor: pageParam, limit: 50 })}`),
    retry: false,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const fields = query.error instanceof ApiError ? query.error.fields : {};
  const range = { ...filters, from: toIso(filters.from), to: toIso(filters.to) };
  const exportUrl = (format: "csv" | "jsonl") => `/api/v1/audit/export${qs({ ...range, format })}`;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setFilters(Object.fromEntries(Object.keys(EMPTY).map((k) => [k, String(f.get(k) ?? "").trim()])) as TFilters);
  }

  return (
    <div className="space-y-4">
      <Card>
        <form onSubmit={onSubmit} className="grid grid-cols-2 gap-3 border-b border-line p-4 md:grid-cols-6" aria-label="Filter audit events">
          <div className="col-span-2 md:col-span-6">
            <Field label="Search" error={fields.q} hint="Words anywhere in the actor, action, target, IP or details; each word matches as a prefix.">
              {(p) => <Input {...p} name="q" type="search" placeholder="e.g. pump-7 revoke" />}
            </Field>
          </div>
          <Field label="Actor" error={fields.actor} hint="“anonymous”: not signed in (Search finds what was typed)">{(p) => <Input {...p} name="actor" placeholder="e-mail or token" />}</Field>
          <Field label="Action" error={fields.action}>{(p) => <Input {...p} name="action" placeholder="e.g. user. or auth.sign_in" />}</Field>
          <Field label="Target id" error={fields.target}>{(p) => <Input {...p} name="target" />}</Field>
          <Field label="From" error={fields.from}>{(p) => <Input {...p} name="from" type="datetime-local" />}</Field>
          <Field label="To" error={fields.to}>{(p) => <Input {...p} name="to" type="datetime-local" />}</Field>
          <div className="flex items-end gap-2">
            <Button type="submit">Filter</Button>
            <Button type="reset" variant="ghost" onClick={() => setFilters(EMPTY)}>Clear</Button>
          </div>
        </form>
        <div className="flex items-center justify-end gap-3 border-b border-line px-4 py-2 text-xs">
          <span className="text-muted">Export these events, oldest first (the export is audited):</span>
          <a className="text-brand underline" href={exportUrl("csv")} download>CSV</a>
          <a className="text-brand underline" href={exportUrl("jsonl")} download>JSON Lines</a>
        </div>
        {query.isPending ? (
          <p className="px-4 py-6 text-center text-muted">Loading…</p>
        ) : query.isError ? (
          Object.keys(fields).length ? (
            <p className="px-4 py-6 text-center text-muted">Correct the filters above.</p>
          ) : (
            <p role="alert" className="px-4 py-6 text-center text-danger">{query.error.message}</p>
          )
        ) : (
          <AuditTable events={query.data.pages.flatMap((p) => p.items)} />
        )}
        {query.hasNextPage ? (
          <div className="p-3 text-center">
            <Button variant="secondary" size="sm" onClick={() => query.fetchNextPage()} disabled={query.isFetchingNextPage}>
              {query.isFetchingNextPage ? "Loading…" : "Load older events"}
            </Button>
          </div>
        ) : null}
      </Card>
    </div>
  );
}
