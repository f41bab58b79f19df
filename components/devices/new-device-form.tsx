"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/field";
import { SIGNING_ALGORITHM_LABELS, SIGNING_ALGORITHMS } from "@/lib/domain/message-signing";
import { Textarea } from "@/components/ui/textarea";
import { api, ApiError } from "@/lib/client/api";
import type { TDeviceCreated } from "@/lib/schemas/device";
import { ConnectionBundle } from "./connection-bundle";

const METHODS = [
  { value: "password", label: "Password", hint: "Generated, 190 bits; the broker keeps only a hash." },
  { value: "psk", label: "TLS-PSK", hint: "Identity = client id, 256-bit key; no certificates needed." },
  { value: "x509-csr", label: "X.509 from a CSR", hint: "Preferred: the device's key never leaves it. CN must be the client id." },
  { value: "x509", label: "X.509, key generated here", hint: "The key is shown once; use a CSR where the device can make one." },
] as const;
type TMethod = (typeof METHODS)[number]["value"];

export function NewDeviceForm() {
  const [method, setMethod] = useState<TMethod>("password");
  const create = useMutation({ mutationFn: (body: unknown) => api<TDeviceCreated>("POST", "/api/v1/devices", body) });
  const fields = create.error instanceof ApiError ? create.error.fields : {};

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? "").trim();
    const auth = method === "x509-csr" ? { type: "x509", csrPem: text("csrPem") } : { type: method };
    create.mutate({
      clientId: text("clientId"),
      ...(text("name") ? { name: text("name") } : {}),
      tags: text("tags").split(",").map((t) => t.trim()).filter(Boolean),
      auth,
      ...(text("signingKey") ? { signingKey: text("signingKey") } : {}),
    });
  }

  if (create.data) {
    return (
      <Card>
        <CardHeader
          title={`Device ${create.data.device.clientId} created`}
          description="Brokers accept it within seconds. What is shown here is shown once: save it now."
          actions={<Button asChild variant="secondary"><Link href={`/devices/${create.data.device.id}`}>Open the device</Link></Button>}
        />
        <div className="p-4"><ConnectionBundle result={create.data} /></div>
      </Card>
    );
  }

  return (
    <Card className="max-w-2xl">
      <CardHeader title="New device" description="One device, one dedicated secret." />
      <form onSubmit={onSubmit} className="space-y-4 p-4" noValidate>
        <Field label="Client id" error={fields.clientId} hint="Letters, digits and . _ @ -; no + # / : or spaces; names starting with fleetward are Fleetward's own. It is the MQTT client id, username or certificate CN.">
          {(p) => <Input {...p} name="clientId" required autoFocus />}
        </Field>
        <Field label="Display name (optional)" error={fields.name}>{(p) => <Input {...p} name="name" />}</Field>
        <Field label="Tags (comma-separated)" error={fields.tags ?? Object.entries(fields).find(([k]) => k.startsWith("tags."))?.[1]}>{(p) => <Input {...p} name="tags" />}</Field>
        <fieldset className="space-y-2">
          <legend className="text-xs font-medium">Authentication</legend>
          {METHODS.map((m) => (
            <label key={m.value} className="flex cursor-pointer items-start gap-2 rounded-md border border-line p-2 has-[:checked]:border-brand has-[:checked]:bg-blue-50">
              <input type="radio" name="method" value={m.value} checked={method === m.value} onChange={() => setMethod(m.value)} className="mt-1" />
              <span><span className="font-medium">{m.label}</span><span className="block text-xs text-muted">{m.hint}</span></span>
            </label>
          ))}
          {fields.auth ? <p role="alert" className="text-xs text-danger">{fields.auth}</p> : null}
        </fieldset>
        {method === "x509-csr" ? (
          <Field label="Certificate signing request (PEM)" error={fields["auth.csrPem"]} hint="openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout device.key -subj /CN=<client id>">
            {(p) => <Textarea {...p} name="csrPem" rows={6} />}
          </Field>
        ) : null}
        <Field label="Message signing key (optional)" error={fields.signingKey} hint="The device signs what it publishes with it; Fleetward verifies the topics named under Security > Message signing.">
          {(p) => (
            <Select {...p} name="signingKey" defaultValue="">
              <option value="">None</option>
              {SIGNING_ALGORITHMS.map((a) => <option key={a} value={a}>{SIGNING_ALGORITHM_LABELS[a]}{a === "EdDSA" ? " (recommended)" : " (constrained devices)"}</option>)}
            </Select>
          )}
        </Field>
        {create.error && Object.keys(fields).length === 0 ? <p role="alert" className="text-xs text-danger">{create.error.message}</p> : null}
        <div className="flex justify-end gap-2">
          <Button asChild variant="ghost"><Link href="/devices">Cancel</Link></Button>
          <Button type="submit" disabled={create.isPending}>{create.isPending ? "Creating…" : "Create device"}</Button>
        </div>
      </form>
    </Card>
  );
}
