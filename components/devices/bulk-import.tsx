"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Download, FileUp } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type ChangeEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { download } from "@/components/ui/code-block";
import { Table, Td, Th } from "@/components/ui/table";
import { api, ApiError } from "@/lib/client/api";
import { csvColumn, csvLine, CSV_TEMPLATE, parseDeviceCsv, secretsCsv, type TCsvResult } from "@/lib/domain/device-csv";
import type { TDeviceBatch, TDeviceBulkCreated } from "@/lib/schemas/device";

const SHOWN_ERRORS = 200;

/** Bulk onboarding: read a CSV, let the server check every row, commit all or nothing, then follow the push. */
export function BulkImport({ batchId }: { batchId?: string }) {
  const router = useRouter();
  const [file, setFile] = useState<{ name: string; csv: TCsvResult } | null>(null);
  const importing = useMutation({
    mutationFn: (devices: unknown[]) => api<TDeviceBulkCreated>("POST", "/api/v1/devices:bulk", { devices }),
    // The address names the import, so a reload (or a restart of Fleetward) comes back to its progress.
    onSuccess: (r) => router.replace(`/devices/import?batch=${r.batch.id}`, { scroll: false }),
  });
  const id = importing.data?.batch.id ?? batchId;

  if (id) return <ImportProgress id={id} created={importing.data ?? null} />;

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const f = e.target.files?.[0];
    importing.reset();
    setFile(f ? { name: f.name, csv: parseDeviceCsv(await f.text()) } : null);
  }

  const rows = file?.csv.rows ?? [];
  const counts = rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.auth.type]: (acc[r.auth.type] ?? 0) + 1 }), {});
  const badRows = importing.error instanceof ApiError ? rowErrors(importing.error.fields) : [];
  return (
    <Card className="max-w-4xl">
      <CardHeader
        title="Import devices from CSV"
        description="Every row is checked first; if any row is bad nothing is written. Each device gets its own secret, offered once as a download."
        actions={<Button variant="secondary" onClick={() => download("fleetward-devices.csv", CSV_TEMPLATE)}><Download className="size-4" /> Template</Button>}
      />
      <div className="space-y-4 p-4">
        <p className="text-xs text-muted">
          Columns: <code>client_id</code> (required), <code>name</code>, <code>tags</code> (separated by <code>;</code>), <code>auth</code> (<code>password</code>, <code>psk</code> or <code>x509</code>), <code>csr_pem</code> (a quoted PEM CSR; the device keeps its key), <code>roles</code> and <code>groups</code> (names separated by <code>;</code>; left empty, the roles for new devices), <code>signing_key</code> (<code>ed25519</code> or <code>hmac</code> for a message signing key; its private part is in the secrets file). Up to 10,000 rows.
        </p>
        <label className="flex cursor-pointer items-center gap-3 rounded-md border border-dashed border-line p-4 hover:border-brand">
          <FileUp className="size-5 text-muted" />
          <span className="text-sm">{file ? file.name : "Choose a CSV file"}</span>
          <input type="file" accept=".csv,text/csv" className="sr-only" aria-label="CSV file" onChange={onFile} />
        </label>
        {file?.csv.problems.length ? (
          <ul role="alert" className="list-disc space-y-1 pl-5 text-xs text-danger">{file.csv.problems.map((p) => <li key={p}>{p}</li>)}</ul>
        ) : null}
        {rows.length ? (
          <p className="text-sm">
            {rows.length.toLocaleString("en")} device{rows.length === 1 ? "" : "s"}: {Object.entries(counts).map(([t, n]) => `${n.toLocaleString("en")} ${t}`).join(", ")}
          </p>
        ) : null}
        {badRows.length ? (
          <div role="alert" className="space-y-2">
            <p className="text-sm font-medium text-danger">
              {new Set(badRows.map((e) => e.row)).size.toLocaleString("en")} bad row(s); nothing was written. Fix them and import the file again.
            </p>
            <Table>
              <thead><tr><Th>Line</Th><Th>Client id</Th><Th>Column</Th><Th>Reason</Th></tr></thead>
              <tbody>
                {badRows.slice(0, SHOWN_ERRORS).map((e) => (
                  <tr key={`${e.row}:${e.field}`}>
                    <Td className="tabular-nums">{e.row < 0 ? "—" : csvLine(e.row)}</Td>
                    <Td className="font-mono text-xs">{e.row < 0 ? "" : (rows[e.row]?.clientId ?? "")}</Td>
                    <Td className="font-mono text-xs">{e.row < 0 ? e.field : csvColumn(e.field)}</Td>
                    <Td className="text-danger">{e.reason.replace(/devices\.(\d+)/g, (_, n: string) => `line ${csvLine(Number(n))}`)}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
            {badRows.length > SHOWN_ERRORS ? <p className="text-xs text-muted">and {badRows.length - SHOWN_ERRORS} more.</p> : null}
          </div>
        ) : importing.error ? (
          <p role="alert" className="text-xs text-danger">{importing.error.message}</p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button asChild variant="ghost"><Link href="/devices">Cancel</Link></Button>
          <Button disabled={!rows.length || importing.isPending} onClick={() => importing.mutate(rows)}>
            {importing.isPending ? "Checking and importing…" : `Import ${rows.length ? rows.length.toLocaleString("en") + " " : ""}devices`}
          </Button>
        </div>
      </div>
    </Card>
  );
}

/** `devices.<row>.<field>` reasons from the API, in row order. */
function rowErrors(fields: Record<string, string>) {
  return Object.entries(fields)
    .map(([key, reason]) => {
      const m = /^devices\.(\d+)\.(.+)$/.exec(key);
      return m ? { row: Number(m[1]), field: m[2]!, reason } : { row: -1, field: key, reason };
    })
    .sort((a, b) => a.row - b.row);
}

const STATE_TONE = { applied: "ok", pending: "info", offline: "warn", error: "danger" } as const;
const STATUS_TEXT: Record<TDeviceBatch["status"], string> = {
  pushing: "Pushing to the brokers…",
  done: "Every broker holds the imported devices.",
  cancelling: "Cancelled: removing the devices from every broker…",
  cancelled: "Cancelled: the devices were removed from every broker.",
};

function ImportProgress({ id, created }: { id: string; created: TDeviceBulkCreated | null }) {
  const [saved, setSaved] = useState(false);
  const batch = useQuery({
    queryKey: ["device-batches", id],
    queryFn: () => api<TDeviceBatch>("GET", `/api/v1/device-batches/${id}`),
    initialData: created?.batch,
    refetchInterval: (q) => (q.state.data && ["done", "cancelled"].includes(q.state.data.status) ? false : 1_000),
  });
  const cancel = useMutation({ mutationFn: () => api<TDeviceBatch>("POST", `/api/v1/device-batches/${id}/cancel`, {}), onSuccess: () => batch.refetch() });
  const b = batch.data;
  if (!b) return <p role={batch.error ? "alert" : "status"} className="text-sm">{batch.error ? batch.error.message : "Loading the import…"}</p>;
  const applied = b.brokers.filter((x) => x.state === "applied").length;
  return (
    <Card className="max-w-4xl">
      <CardHeader
        title={`Import of ${b.count.toLocaleString("en")} devices`}
        description={`By ${b.createdBy}, ${new Date(b.createdAt).toLocaleString()} · revision ${b.revision}`}
        actions={
          b.status === "pushing" ? (
            <Button variant="danger" disabled={cancel.isPending} onClick={() => confirm(`Cancel the import? Its ${b.remaining.toLocaleString("en")} devices are removed from Fleetward and every broker.`) && cancel.mutate()}>
              Cancel import
            </Button>
          ) : (
            <Button asChild variant="secondary"><Link href="/devices">Devices</Link></Button>
          )
        }
      />
      <div className="space-y-4 p-4">
        {created ? (
          <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
            <p className="font-medium">The devices&apos; secrets are offered once: download them now and keep them safe.</p>
            <div className="mt-2 flex gap-2">
              <Button onClick={() => (download(`fleetward-secrets-${id.slice(0, 8)}.csv`, secretsCsv(created.devices)), setSaved(true))}>
                <Download className="size-4" /> {saved ? "Downloaded: download again" : "Download secrets (CSV)"}
              </Button>
              <Button variant="secondary" onClick={() => download("fleet-ca.pem", created.caPem)}>CA certificate</Button>
            </div>
          </div>
        ) : (
          <p className="text-xs text-muted">The secrets of this import were offered once, when it was committed; rotate a device&apos;s credential to get a new one.</p>
        )}
        <p role="status" className="text-sm">{STATUS_TEXT[b.status]} {applied} of {b.brokers.length} brokers done.</p>
        {cancel.error ? <p role="alert" className="text-xs text-danger">{cancel.error.message}</p> : null}
        <ul className="space-y-2" aria-label="Progress per broker">
          {b.brokers.map((x) => (
            <li key={x.broker} className="grid grid-cols-[10rem_1fr_6rem] items-center gap-3 text-sm">
              <span className="truncate font-mono text-xs">{x.broker}</span>
              <div role="progressbar" aria-label={`${x.broker} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={x.state === "applied" ? 100 : 0} className="h-2 overflow-hidden rounded bg-gray-100">
                <div className={`h-full transition-all ${x.state === "applied" ? "w-full bg-emerald-500" : x.state === "pending" ? "w-1/3 animate-pulse bg-blue-400" : "w-0"}`} />
              </div>
              <span className="flex flex-col items-start gap-0.5">
                <Badge tone={STATE_TONE[x.state]}>{x.state}</Badge>
                {x.lastError ? <span className="text-xs text-danger">{x.lastError}</span> : null}
              </span>
            </li>
          ))}
        </ul>
        {b.brokers.some((x) => x.state === "offline") ? <p className="text-xs text-muted">Offline brokers get the import when they return; nothing is lost.</p> : null}
      </div>
    </Card>
  );
}
