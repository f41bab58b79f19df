"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { api, ApiError } from "@/lib/client/api";
import type { TSecurityPolicy } from "@/lib/domain/security/policy";

const DAYS: { key: Exclude<keyof TSecurityPolicy, "adminTwoFactor">; label: string; hint: string }[] = [
  { key: "expiringDays", label: "Certificate expiry warning (days)", hint: "certificates expiring within" },
  { key: "rotationDays", label: "Credential rotation (days)", hint: "passwords, PSK keys, certificates older than" },
  { key: "unseenDays", label: "Device unseen (days)", hint: "devices not connected for" },
  { key: "tokenUnusedDays", label: "API token unused (days)", hint: "tokens not used for" },
];

/** The security policy: 2FA for admins and the posture checks' thresholds; an admin sets it, everyone else reads it. */
export function SecurityPolicySettings({ canManage }: { canManage: boolean }) {
  const qc = useQueryClient();
  const policy = useQuery({ queryKey: ["security-policy"], queryFn: () => api<TSecurityPolicy>("GET", "/api/v1/security/policy") });
  const save = useMutation({
    mutationFn: (body: TSecurityPolicy) => api<TSecurityPolicy>("PUT", "/api/v1/security/policy", body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ["security-policy"] }),
  });
  const fields = save.error instanceof ApiError ? save.error.fields : {};
  if (!policy.data) return null;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const num = (k: string) => (f.get(k) === "" ? Number.NaN : Number(f.get(k)));
    save.mutate({
      adminTwoFactor: f.get("adminTwoFactor") === "on",
      ...(Object.fromEntries(DAYS.map((d) => [d.key, num(d.key)])) as Omit<TSecurityPolicy, "adminTwoFactor">),
    });
  }

  return (
    <Card>
      <CardHeader title="Security policy" description="Who must use two-factor authentication, and when the posture checks call something weak." />
      <form onSubmit={onSubmit} className="grid grid-cols-2 gap-3 p-4 md:grid-cols-4" noValidate aria-label="Security policy">
        <label className="col-span-2 flex items-center gap-2 text-sm md:col-span-4">
          <input type="checkbox" name="adminTwoFactor" defaultChecked={policy.data.adminTwoFactor} disabled={!canManage} />
          Require two-factor authentication for admins
          <span className="text-xs text-muted">(an admin without it may only enrol one)</span>
        </label>
        {fields.adminTwoFactor ? <p role="alert" className="col-span-2 -mt-2 text-xs text-danger md:col-span-4">{fields.adminTwoFactor}</p> : null}
        {DAYS.map((d) => (
          <Field key={d.key} label={d.label} hint={d.hint} error={fields[d.key]}>
            {(p) => <Input {...p} name={d.key} type="number" defaultValue={String(policy.data[d.key])} disabled={!canManage} />}
          </Field>
        ))}
        {canManage ? (
          <div className="col-span-2 flex items-center gap-3 md:col-span-4">
            <Button type="submit" disabled={save.isPending}>{save.isPending ? "Saving…" : "Save policy"}</Button>
            {save.isSuccess ? <span role="status" className="text-xs text-muted">Saved; posture checks use it from their next run.</span> : null}
            {save.error && Object.keys(fields).length === 0 ? <span role="alert" className="text-xs text-danger">{save.error.message}</span> : null}
          </div>
        ) : null}
      </form>
    </Card>
  );
}
