"use client";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { ArrowDown, ArrowUp, FileLock2 } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { Fragment, useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { download } from "@/components/ui/code-block";
import { EmptyState } from "@/components/ui/empty-state";
import { Input, Select } from "@/components/ui/field";
import { LoadMore } from "@/components/ui/load-more";
import { Table, Td, Th } from "@/components/ui/table";
import { api, qs } from "@/lib/client/api";
import { CERT_STATUSES, type TCertStatus } from "@/lib/domain/certificate-status";
import { CERT_KINDS, type TCertificate, type TCertificateExpiry } from "@/lib/schemas/certificate";
import { ExpiryChart } from "./expiry-chart";

const STATUS_TONE: Record<TCertStatus, "ok" | "warn" | "danger" | "neutral"> = { active: "ok", expiring: "warn", expired: "neutral", revoked: "danger" };
const KIND_LABEL: Record<TCertificate["kind"], string> = { CA: "CA", BROKER: "Broker server", DEVICE: "Device", SERVICE: "Fleetward identity" };

const date = (iso: string) => new Date(iso).toLocaleDateString("en-GB", { day: "2-digit", month: "short", year: "numeric" });
const daysLeft = (iso: string) => Math.ceil((new Date(iso).getTime() - Date.now()) / 86_400_000);

export function CertificateStatus({ c }: { c: Pick<TCertificate, "status" | "notAfter" | "revokedAt" | "revocationReason"> }) {
  if (c.status === "revoked") return <Badge tone="danger" title={c.revokedAt ? `Revoked ${new Date(c.revokedAt).toLocaleString()}` : undefined}>revoked{c.revocationReason ? `: ${c.revocationReason}` : ""}</Badge>;
  if (c.status === "expiring") return <Badge tone="warn">expiring in {daysLeft(c.notAfter)} d</Badge>;
  return <Badge tone={STATUS_TONE[c.status]}>{c.status}</Badge>;
}

function SortHead({ field, sort, order, onSort, children }: { field: string; sort: string; order: string; onSort: (field: string) => void; children: string }) {
  return (
    <Th aria-sort={sort === field ? (order === "asc" ? "ascending" : "descending") : "none"}>
      <button type="button" onClick={() => onSort(field)} className="inline-flex items-center gap-1 hover:text-ink">
        {children}
        {sort === field ? (order === "asc" ? <ArrowUp className="size-3" /> : <ArrowDown className="size-3" />) : null}
      </button>
    </Th>
  );
}

/** Every certificate Fleetward knows; filters live in the address so a link (e.g. from the overview) opens a view. */
export function CertificateInventory() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const filters = {
    q: params.get("q") ?? "",
    kind: params.get("kind") ?? "",
    status: params.get("status") ?? "",
    expiresWithinDays: params.get("expiresWithinDays") ?? "",
    sort: params.get("sort") ?? "notAfter",
    order: params.get("order") ?? "asc",
  };
  const [open, setOpen] = useState<string | null>(null);
  const setFilters = (next: Partial<typeof filters>) => router.replace(`${pathname}${qs({ ...filters, ...next })}`, { scroll: false });
  const expiry = useQuery({ queryKey: ["certificates", "expiry"], queryFn: () => api<TCertificateExpiry>("GET", "/api/v1/certificates/expiry") });
  const list = useInfiniteQuery({
    queryKey: ["certificates", filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => api<{ items: TCertificate[]; nextCursor: string | null }>("GET", `/api/v1/certificates${qs({ ...filters, cursor: pageParam, limit: 100 })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Object.entries(filters).some(([k, v]) => v && !["sort", "order"].includes(k));

  const onSearch = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setFilters({ q: String(new FormData(e.currentTarget).get("q") ?? "").trim() });
  };
  const sortBy = (sort: string) => setFilters({ sort, order: filters.sort === sort && filters.order === "asc" ? "desc" : "asc" });
  return (
    <div className="space-y-4">
      <Card>
        <CardHeader title="Expiry" description="Valid certificates by days left; expiring ones are also flagged on the overview. Click a bar to list them." />
        <div className="p-4">
          {expiry.data ? (
            <ExpiryChart expiry={expiry.data} hrefFor={(bar) => `${pathname}${qs(bar === "expired" ? { status: "expired" } : { expiresWithinDays: bar, sort: "notAfter", order: "asc" })}`} />
          ) : (
            <p role={expiry.error ? "alert" : "status"} className="text-sm text-muted">{expiry.error ? expiry.error.message : "Loading…"}</p>
          )}
        </div>
      </Card>
      <Card>
        <CardHeader
          title="Certificates"
          description="Fleet CA, broker server certificates, Fleetward's own identities and every device certificate."
          actions={
            <form onSubmit={onSearch} role="search" className="flex gap-2">
              <Input name="q" aria-label="Search certificates" placeholder="Subject, SAN, serial, client id…" className="h-8 w-64" defaultValue={filters.q} key={filters.q} />
              <Select aria-label="Kind" className="h-8" value={filters.kind} onChange={(e) => setFilters({ kind: e.target.value })}>
                <option value="">All kinds</option>
                {CERT_KINDS.map((k) => <option key={k} value={k}>{KIND_LABEL[k]}</option>)}
              </Select>
              <Select aria-label="Status" className="h-8" value={filters.status} onChange={(e) => setFilters({ status: e.target.value, expiresWithinDays: "" })}>
                <option value="">Any status</option>
                {CERT_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
              </Select>
            </form>
          }
        />
        {filters.expiresWithinDays ? (
          <p className="flex items-center gap-2 border-b border-line px-4 py-2 text-xs">
            Valid certificates expiring within {filters.expiresWithinDays} days.
            <button type="button" className="text-brand hover:underline" onClick={() => setFilters({ expiresWithinDays: "" })}>Show all</button>
          </p>
        ) : null}
        {list.error ? (
          <p role="alert" className="px-4 py-6 text-center text-danger">{list.error.message}</p>
        ) : list.isPending ? (
          <p role="status" className="px-4 py-6 text-center text-muted">Loading…</p>
        ) : items.length === 0 ? (
          <EmptyState icon={FileLock2} title={filtered ? "No certificate matches" : "No certificates yet"}>
            {filtered ? "Try another search or filter." : "Certificates appear once the fleet CA issues them to brokers and devices."}
          </EmptyState>
        ) : (
          <Table>
            <thead>
              <tr><SortHead field="subject" sort={filters.sort} order={filters.order} onSort={sortBy}>Subject</SortHead><Th>Kind</Th><Th>Owner</Th><Th>Key</Th><Th>Serial</Th><SortHead field="notAfter" sort={filters.sort} order={filters.order} onSort={sortBy}>Not after</SortHead><Th>Status</Th></tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <Fragment key={c.id}>
                  <tr className="cursor-pointer hover:bg-gray-50" onClick={() => setOpen(open === c.id ? null : c.id)} aria-expanded={open === c.id} data-testid={`cert-${c.serial}`}>
                    <Td>
                      <span className="font-mono text-xs">{c.subject}</span>
                      {c.sans.length ? <span className="block text-xs text-muted">{c.sans.join(", ")}</span> : null}
                    </Td>
                    <Td>{KIND_LABEL[c.kind]}</Td>
                    <Td>{c.device ? <Link className="font-mono text-xs text-brand hover:underline" href={`/devices/${c.device.id}`} onClick={(e) => e.stopPropagation()}>{c.device.clientId}</Link> : <span className="text-muted">—</span>}</Td>
                    <Td className="whitespace-nowrap">{c.keyType}{c.keyBits && !c.keyType.startsWith("EC") ? ` ${c.keyBits}` : ""}</Td>
                    <Td className="font-mono text-xs" title={c.serial}>{c.serial.slice(0, 12)}…</Td>
                    <Td className="whitespace-nowrap tabular-nums">{date(c.notAfter)}</Td>
                    <Td><CertificateStatus c={c} /></Td>
                  </tr>
                  {open === c.id ? (
                    <tr className="bg-gray-50">
                      <Td colSpan={7}>
                        <dl className="grid grid-cols-[9rem_1fr] gap-x-4 gap-y-1 text-xs">
                          <dt className="text-muted">Issuer</dt><dd className="font-mono">{c.issuer}</dd>
                          <dt className="text-muted">Serial</dt><dd className="font-mono">{c.serial}</dd>
                          <dt className="text-muted">SHA-256</dt><dd className="font-mono break-all">{c.fingerprint256}</dd>
                          <dt className="text-muted">Valid</dt><dd>{new Date(c.notBefore).toLocaleString()} – {new Date(c.notAfter).toLocaleString()}</dd>
                          {c.revokedAt ? (<><dt className="text-muted">Revoked</dt><dd>{new Date(c.revokedAt).toLocaleString()} ({c.revocationReason})</dd></>) : null}
                        </dl>
                        <Button className="mt-2" size="sm" variant="secondary" onClick={async () => download(`${c.serial}.crt`, (await api<{ pem: string }>("GET", `/api/v1/certificates/${c.id}`)).pem)}>Download PEM</Button>
                      </Td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </Table>
        )}
        <LoadMore query={list} />
      </Card>
    </div>
  );
}
