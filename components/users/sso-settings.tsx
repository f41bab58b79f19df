"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/field";
import { RoleSelect } from "@/components/ui/role-select";
import { api, ApiError } from "@/lib/client/api";
import type { TRole } from "@/lib/domain/permissions";
import type { TSsoSettings } from "@/lib/domain/security/sso";
import type { TUser } from "@/lib/schemas/user";

type TSso = TSsoSettings & { provider: { issuer: string; name: string; groupsClaim: string } | null };

/** Single sign-on: the provider (set by environment), which groups give which role, and who keeps a local password. */
export function SsoSettings({ admins }: { admins: TUser[] }) {
  const qc = useQueryClient();
  const stored = useQuery({ queryKey: ["sso"], queryFn: () => api<TSso>("GET", "/api/v1/security/sso") });
  const [edited, setEdited] = useState<TSsoSettings | null>(null);
  const save = useMutation({
    mutationFn: (body: TSsoSettings) => api<TSso>("PUT", "/api/v1/security/sso", body),
    onSuccess: () => (setEdited(null), qc.invalidateQueries({ queryKey: ["sso"] })),
  });
  const fields = save.error instanceof ApiError ? save.error.fields : {};
  if (!stored.data) return null;
  const { provider } = stored.data;
  const s: TSsoSettings = edited ?? { roleMappings: stored.data.roleMappings, localSignIn: stored.data.localSignIn, breakGlassUserId: stored.data.breakGlassUserId };
  const patch = (p: Partial<TSsoSettings>) => setEdited({ ...s, ...p });
  const mapping = (i: number, p: Partial<TSsoSettings["roleMappings"][number]>) => patch({ roleMappings: s.roleMappings.map((m, j) => (j === i ? { ...m, ...p } : m)) });

  return (
    <Card>
      <CardHeader
        title="Single sign-on"
        description={
          provider
            ? `OpenID Connect provider ${provider.issuer} ("Sign in with ${provider.name}"). A user is created on first sign-in with the role their ${provider.groupsClaim} claim maps to; someone in no mapped group is refused.`
            : "No OpenID Connect provider is configured: set FLEETWARD_OIDC_ISSUER, FLEETWARD_OIDC_CLIENT_ID and FLEETWARD_OIDC_CLIENT_SECRET (README, Configuration). Everyone signs in with a local password."
        }
      />
      <form
        className="space-y-3 p-4"
        aria-label="Single sign-on"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(s);
        }}
      >
        <p className="text-xs font-medium">Groups and the roles they give (the most capable wins when several match)</p>
        {s.roleMappings.map((m, i) => (
          <div key={i} className="flex items-end gap-3" data-testid="role-mapping">
            <div className="w-72">
              <Field label={`Group ${i + 1}`} error={fields[`roleMappings.${i}.group`]}>{(p) => <Input {...p} value={m.group} onChange={(e) => mapping(i, { group: e.target.value })} className="font-mono" />}</Field>
            </div>
            <Field label={`Role for group ${i + 1}`}>{(p) => <RoleSelect {...p} value={m.role} onChange={(e) => mapping(i, { role: e.target.value as TRole })} className="w-36" />}</Field>
            <Button type="button" size="sm" variant="ghost" className="mb-1" onClick={() => patch({ roleMappings: s.roleMappings.filter((_, j) => j !== i) })}>Remove</Button>
          </div>
        ))}
        {s.roleMappings.length === 0 ? <p className="text-sm text-muted">No group is mapped: every single sign-on is refused.</p> : null}
        {fields.roleMappings ? <p role="alert" className="text-xs text-danger">{fields.roleMappings}</p> : null}
        <Button type="button" size="sm" variant="secondary" onClick={() => patch({ roleMappings: [...s.roleMappings, { group: "", role: "AUDITOR" }] })}>Add mapping</Button>
        <div className="flex flex-wrap items-start gap-3 border-t border-line pt-3">
          <Field label="Local passwords" error={fields.localSignIn}>
            {(p) => (
              <Select {...p} value={s.localSignIn} onChange={(e) => patch({ localSignIn: e.target.value as TSsoSettings["localSignIn"] })} className="w-72">
                <option value="everyone">Everyone may sign in with one</option>
                <option value="break-glass">Only the break-glass admin</option>
              </Select>
            )}
          </Field>
          <Field label="Break-glass admin" error={fields.breakGlassUserId} hint="Keeps a local password for when the provider is down.">
            {(p) => (
              <Select {...p} value={s.breakGlassUserId ?? ""} onChange={(e) => patch({ breakGlassUserId: e.target.value || null })} className="w-72">
                <option value="">None</option>
                {admins.map((a) => <option key={a.id} value={a.id}>{a.email}</option>)}
              </Select>
            )}
          </Field>
        </div>
        <div className="flex items-center gap-3">
          <Button type="submit" size="sm" disabled={save.isPending}>{save.isPending ? "Saving…" : "Save single sign-on"}</Button>
          {save.isSuccess && !edited ? <span role="status" className="text-xs text-muted">Saved; it applies from the next sign-in.</span> : null}
          {save.error && Object.keys(fields).length === 0 ? <span role="alert" className="text-xs text-danger">{save.error.message}</span> : null}
        </div>
      </form>
    </Card>
  );
}
