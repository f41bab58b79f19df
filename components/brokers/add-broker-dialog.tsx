"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input } from "@/components/ui/field";
import { Textarea } from "@/components/ui/textarea";
import { api, ApiError } from "@/lib/client/api";
import { LISTENERS, type TListenerName } from "@/lib/domain/listeners";

const PORT_LABELS: Record<TListenerName, string> = { admin: "Admin (mTLS)", tlsPassword: "TLS password", mtls: "Device mTLS", psk: "TLS-PSK", wss: "Secure WebSockets", live: "Live views (WebSockets)" };

export function AddBrokerDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const qc = useQueryClient();
  const create = useMutation({
    mutationFn: (body: unknown) => api("POST", "/api/v1/brokers", body),
    onSuccess: () => (onOpenChange(false), qc.invalidateQueries({ queryKey: ["brokers"] })),
  });
  const fields = create.error instanceof ApiError ? create.error.fields : {};

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? "");
    const port = (k: string) => (text(k) === "" ? undefined : Number(text(k)));
    create.mutate({
      name: text("name"),
      host: text("host"),
      ports: Object.fromEntries(LISTENERS.map((l) => [l, port(`port-${l}`)])),
      caPem: text("caPem"),
      adminCertPem: text("adminCertPem"),
      adminKeyPem: text("adminKeyPem"),
      tags: text("tags").split(",").map((t) => t.trim()).filter(Boolean),
    });
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Add broker" description="Fleetward tests the admin channel before saving. The admin key is sealed at rest.">
      <form onSubmit={onSubmit} className="max-h-[70vh] space-y-3 overflow-y-auto pr-1" noValidate>
        <div className="grid grid-cols-2 gap-3">
          <Field label="Name" error={fields.name} hint="a-z, 0-9 and -">{(p) => <Input {...p} name="name" required />}</Field>
          <Field label="Host" error={fields.host}>{(p) => <Input {...p} name="host" defaultValue="127.0.0.1" required />}</Field>
        </div>
        <div className="grid grid-cols-3 gap-3">
          {LISTENERS.map((l) => (
            <Field key={l} label={PORT_LABELS[l]} error={fields[`ports.${l}`] ?? fields.ports}>
              {(p) => <Input {...p} name={`port-${l}`} inputMode="numeric" />}
            </Field>
          ))}
        </div>
        <Field label="Broker CA certificate (PEM)" error={fields.caPem}>{(p) => <Textarea {...p} name="caPem" rows={3} />}</Field>
        <Field label="Admin client certificate (PEM)" error={fields.adminCertPem}>{(p) => <Textarea {...p} name="adminCertPem" rows={3} />}</Field>
        <Field label="Admin client key (PEM)" error={fields.adminKeyPem}>{(p) => <Textarea {...p} name="adminKeyPem" rows={3} />}</Field>
        <Field label="Tags (comma-separated)" error={fields.tags}>{(p) => <Input {...p} name="tags" />}</Field>
        {create.error && Object.keys(fields).length === 0 ? <p role="alert" className="text-xs text-danger">{create.error.message}</p> : null}
        <div className="flex justify-end">
          <Button type="submit" disabled={create.isPending}>{create.isPending ? "Testing the channel…" : "Add broker"}</Button>
        </div>
      </form>
    </Dialog>
  );
}
