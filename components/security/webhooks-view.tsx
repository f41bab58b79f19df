"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Bell, Plus } from "lucide-react";
import { Fragment, useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Field, Input } from "@/components/ui/field";
import { SecretOnce } from "@/components/ui/secret-once";
import { Table, Td, Th } from "@/components/ui/table";
import { api, ApiError } from "@/lib/client/api";
import { WEBHOOK_EVENTS } from "@/lib/domain/security/webhooks";
import type { TWebhook, TWebhookDelivery } from "@/lib/schemas/webhook";

const KEY = ["webhooks"];
const TONES = { delivered: "ok", pending: "warn", failed: "danger" } as const;

function DeliveryBadge({ d }: { d: TWebhookDelivery }) {
  // Pending: queued (never tried), sending (first attempt under way), or retrying after a failed attempt.
  const what = d.status !== "pending" ? d.status : d.attempts === 0 ? "queued" : d.lastError === null && d.lastStatus === null ? "sending" : `retrying (attempt ${d.attempts + 1})`;
  return <Badge tone={TONES[d.status]} title={d.lastError ?? undefined}>{what}</Badge>;
}

function Deliveries({ id }: { id: string }) {
  const q = useQuery({ queryKey: [...KEY, id], queryFn: () => api<{ items: TWebhookDelivery[] }>("GET", `/api/v1/webhooks/${id}/deliveries`), refetchInterval: 3_000 });
  if (!q.data) return <p className="px-3 py-2 text-xs text-muted">Loading…</p>;
  if (!q.data.items.length) return <p className="px-3 py-2 text-xs text-muted">Nothing sent yet.</p>;
  return (
    <Table aria-label="Deliveries">
      <thead><tr><Th>Queued</Th><Th>Event</Th><Th>Status</Th><Th>Attempts</Th><Th>Last answer</Th></tr></thead>
      <tbody>
        {q.data.items.map((d) => (
          <tr key={d.id} data-testid="delivery-row">
            <Td className="text-xs text-muted">{new Date(d.createdAt).toLocaleString("en-GB")}</Td>
            <Td className="font-mono text-xs">{d.event}</Td>
            <Td><DeliveryBadge d={d} /></Td>
            <Td>{d.attempts}</Td>
            <Td className="text-xs">
              {d.lastStatus ? `HTTP ${d.lastStatus}` : (d.lastError ?? "—")}
              {d.status === "pending" && d.nextAttemptAt && d.attempts > 0 ? <span className="text-muted"> · next {new Date(d.nextAttemptAt).toLocaleTimeString("en-GB")}</span> : null}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function AddWebhookForm({ onCreated }: { onCreated: (r: { webhook: TWebhook; secret: string }) => void }) {
  const create = useMutation({
    mutationFn: (body: unknown) => api<{ webhook: TWebhook; secret: string }>("POST", "/api/v1/webhooks", body),
    onSuccess: onCreated,
  });
  const fields = create.error instanceof ApiError ? create.error.fields : {};
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    create.mutate({ name: f.get("name"), url: f.get("url"), events: f.getAll("events") });
  }
  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate aria-label="New webhook">
      <Field label="Name" error={fields.name}>{(p) => <Input {...p} name="name" placeholder="on-call" />}</Field>
      <Field label="URL" error={fields.url} hint="https (plain http only to a loopback relay). Each request is signed with HMAC-SHA256.">
        {(p) => <Input {...p} name="url" placeholder="https://hooks.example.com/fleetward" />}
      </Field>
      <fieldset className="space-y-1">
        <legend className="text-xs font-medium">Events</legend>
        {Object.entries(WEBHOOK_EVENTS).map(([name, label]) => (
          <label key={name} className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="events" value={name} defaultChecked /> {label} <span className="font-mono text-xs text-muted">{name}</span>
          </label>
        ))}
        {fields.events ? <p role="alert" className="text-xs text-danger">{fields.events}</p> : null}
      </fieldset>
      {create.error && !Object.keys(fields).length ? <p role="alert" className="text-xs text-danger">{create.error.message}</p> : null}
      <div className="text-right"><Button type="submit" disabled={create.isPending}>{create.isPending ? "Adding…" : "Add webhook"}</Button></div>
    </form>
  );
}

/** Where new high-severity findings and expiring certificates are announced, and how each delivery went. */
export function WebhooksView({ canManage }: { canManage: boolean }) {
  const qc = useQueryClient();
  // The same pace as the deliveries below, so a row and its open deliveries never disagree for long.
  const hooks = useQuery({ queryKey: KEY, queryFn: () => api<{ items: TWebhook[] }>("GET", "/api/v1/webhooks"), refetchInterval: 3_000 });
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<{ webhook: TWebhook; secret: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const done = () => qc.invalidateQueries({ queryKey: KEY });
  const test = useMutation({ mutationFn: (id: string) => api("POST", `/api/v1/webhooks/${id}/test`, {}), onSuccess: (_, id) => (setOpen(id), done()) });
  const remove = useMutation({ mutationFn: (id: string) => api("DELETE", `/api/v1/webhooks/${id}`), onSuccess: done });

  return (
    <Card>
      <CardHeader
        title="Notifications"
        description="Webhooks for new high-severity findings and expiring certificates: signed (HMAC-SHA256), retried with back-off for about 2.5 hours."
        actions={canManage ? <Button size="sm" onClick={() => setAdding(true)}><Plus className="size-4" /> Add webhook</Button> : null}
      />
      {(test.error ?? remove.error) ? <p role="alert" className="border-b border-line bg-red-50 px-4 py-2 text-xs text-danger">{(test.error ?? remove.error)!.message}</p> : null}
      {!hooks.data ? (
        <p className="px-4 py-6 text-center text-muted">Loading…</p>
      ) : hooks.data.items.length === 0 ? (
        <EmptyState icon={Bell} title="No webhooks">{canManage ? "Add one to be told of new high-severity findings and expiring certificates." : "An admin can add one."}</EmptyState>
      ) : (
        <Table aria-label="Webhooks">
          <thead><tr><Th>Name</Th><Th>URL</Th><Th>Events</Th><Th>Last delivery</Th><Th className="text-right">Actions</Th></tr></thead>
          <tbody>
            {hooks.data.items.map((h) => (
              <Fragment key={h.id}>
                <tr data-testid={`webhook-${h.name}`}>
                  <Td className="font-medium">{h.name}</Td>
                  <Td className="max-w-xs truncate font-mono text-xs" title={h.url}>{h.url}</Td>
                  <Td className="space-x-1">{h.events.map((e) => <Badge key={e}>{e}</Badge>)}</Td>
                  <Td>{h.lastDelivery ? <DeliveryBadge d={h.lastDelivery} /> : <span className="text-xs text-muted">none yet</span>}</Td>
                  <Td className="space-x-1 text-right">
                    <Button size="sm" variant="secondary" onClick={() => setOpen(open === h.id ? null : h.id)}>{open === h.id ? "Hide deliveries" : "Deliveries"}</Button>
                    {canManage ? <Button size="sm" variant="secondary" disabled={test.isPending} onClick={() => test.mutate(h.id)}>Send test</Button> : null}
                    {canManage ? <Button size="sm" variant="secondary" onClick={() => window.confirm(`Remove webhook ${h.name}? Pending deliveries are dropped.`) && remove.mutate(h.id)}>Remove</Button> : null}
                  </Td>
                </tr>
                {open === h.id ? (
                  <tr><td colSpan={5} className="border-b border-line bg-gray-50/50 px-3 py-2"><Deliveries id={h.id} /></td></tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </Table>
      )}
      <Dialog open={adding} onOpenChange={setAdding} title="Add webhook" description="Fleetward POSTs JSON to this URL, signed with a key shown once.">
        <AddWebhookForm onCreated={(r) => (setAdding(false), setCreated(r), void done())} />
      </Dialog>
      <Dialog open={created !== null} onOpenChange={(o) => !o && setCreated(null)} title="Webhook added" description="The receiver checks each request's X-Fleetward-Signature with this key: HMAC-SHA256 of timestamp + '.' + body.">
        {created ? <SecretOnce label="Signing key" value={created.secret} /> : null}
        <div className="mt-4 text-right"><Button onClick={() => setCreated(null)}>Done</Button></div>
      </Dialog>
    </Card>
  );
}
