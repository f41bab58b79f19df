"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { api, ApiError } from "@/lib/client/api";
import type { TDetectionSettings } from "@/lib/domain/security/detection";

const FIELDS: { path: string; label: string; hint: string }[] = [
  { path: "bruteForce.failures", label: "Brute force: failed logins", hint: "from one address…" },
  { path: "bruteForce.withinSeconds", label: "…within seconds", hint: "" },
  { path: "credentialStuffing.clientIds", label: "Credential stuffing: client ids", hint: "tried from one address amid failed logins…" },
  { path: "credentialStuffing.withinSeconds", label: "…within seconds", hint: "" },
  { path: "clientIdCollision.takeovers", label: "Client id collision: takeovers", hint: "of one client id…" },
  { path: "clientIdCollision.withinSeconds", label: "…within seconds", hint: "" },
  { path: "newNetwork.prefixBits", label: "New network: IPv4 prefix bits", hint: "what counts as the same network" },
];

const get = (s: TDetectionSettings, path: string) => path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], s);

/** The detection rules' thresholds; an admin tunes them, everyone else reads them. */
export function DetectionSettings({ canManage }: { canManage: boolean }) {
  const qc = useQueryClient();
  const settings = useQuery({ queryKey: ["detection"], queryFn: () => api<TDetectionSettings>("GET", "/api/v1/security/detection") });
  const save = useMutation({
    mutationFn: (body: TDetectionSettings) => api<TDetectionSettings>("PUT", "/api/v1/security/detection", body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["detection"] }),
  });
  const fields = save.error instanceof ApiError ? save.error.fields : {};
  if (!settings.data) return null;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const num = (k: string) => (f.get(k) === "" ? Number.NaN : Number(f.get(k)));
    save.mutate({
      bruteForce: { failures: num("bruteForce.failures"), withinSeconds: num("bruteForce.withinSeconds") },
      credentialStuffing: { clientIds: num("credentialStuffing.clientIds"), withinSeconds: num("credentialStuffing.withinSeconds") },
      clientIdCollision: { takeovers: num("clientIdCollision.takeovers"), withinSeconds: num("clientIdCollision.withinSeconds") },
      newNetwork: { enabled: f.get("newNetwork.enabled") === "on", prefixBits: num("newNetwork.prefixBits") },
    });
  }

  return (
    <Card>
      <CardHeader title="Detection rules" description="When each rule raises a finding. A revoked or disabled credential that still tries, and refused TLS handshakes, always do." />
      <form onSubmit={onSubmit} className="grid grid-cols-2 gap-3 p-4 md:grid-cols-4" noValidate aria-label="Detection thresholds">
        {FIELDS.map((d) => (
          <Field key={d.path} label={d.label} hint={d.hint || undefined} error={fields[d.path]}>
            {(p) => <Input {...p} name={d.path} type="number" defaultValue={String(get(settings.data, d.path))} disabled={!canManage} />}
          </Field>
        ))}
        <label className="flex items-center gap-2 self-end text-sm">
          <input type="checkbox" name="newNetwork.enabled" defaultChecked={settings.data.newNetwork.enabled} disabled={!canManage} /> New network rule on
        </label>
        {canManage ? (
          <div className="col-span-2 flex items-center gap-3 md:col-span-4">
            <Button type="submit" disabled={save.isPending}>{save.isPending ? "Saving…" : "Save thresholds"}</Button>
            {save.isSuccess ? <span role="status" className="text-xs text-muted">Saved; the rules use them from the next event.</span> : null}
            {save.error && Object.keys(fields).length === 0 ? <span role="alert" className="text-xs text-danger">{save.error.message}</span> : null}
          </div>
        ) : null}
      </form>
    </Card>
  );
}
