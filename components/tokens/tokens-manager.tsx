"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Plus } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Field, Input } from "@/components/ui/field";
import { RoleSelect } from "@/components/ui/role-select";
import { SecretOnce } from "@/components/ui/secret-once";
import { Table, Td, Th } from "@/components/ui/table";
import { api, ApiError } from "@/lib/client/api";
import { ROLE_LABELS } from "@/lib/domain/permissions";
import type { TApiToken } from "@/lib/schemas/token";

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en-GB") : "never");

export function TokensManager() {
  const qc = useQueryClient();
  const tokens = useQuery({ queryKey: ["tokens"], queryFn: () => api<{ items: TApiToken[] }>("GET", "/api/v1/tokens") });
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ["tokens"] });
  const create = useMutation({
    mutationFn: (body: { name: string; role: string }) => api<{ token: TApiToken; secret: string }>("POST", "/api/v1/tokens", body),
    onSuccess: (r) => (setCreating(false), setSecret(r.secret), refresh()),
  });
  const revoke = useMutation({ mutationFn: (id: string) => api("DELETE", `/api/v1/tokens/${id}`), onSettled: refresh });
  const fields = create.error instanceof ApiError ? create.error.fields : {};

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    create.mutate({ name: String(f.get("name") ?? ""), role: String(f.get("role")) });
  }

  return (
    <Card>
      <CardHeader
        title="API tokens"
        description="For scripts and automation: send as Authorization: Bearer <token>. Only a hash is stored."
        actions={<Button onClick={() => (create.reset(), setCreating(true))}><Plus className="size-4" /> New token</Button>}
      />
      {revoke.error ? <p role="alert" className="border-b border-line bg-red-50 px-4 py-2 text-danger">{revoke.error.message}</p> : null}
      {tokens.isPending ? (
        <p className="px-4 py-6 text-center text-muted">Loading…</p>
      ) : tokens.isError ? (
        <p role="alert" className="px-4 py-6 text-center text-danger">{tokens.error.message}</p>
      ) : tokens.data.items.length === 0 ? (
        <EmptyState icon={KeyRound} title="No API tokens">Create one with New token, or on the server with <code>fleetward token create</code>.</EmptyState>
      ) : (
        <Table>
          <thead>
            <tr><Th>Name</Th><Th>Role</Th><Th>Token</Th><Th>Created</Th><Th>Last used</Th><Th>Status</Th><Th className="text-right">Actions</Th></tr>
          </thead>
          <tbody>
            {tokens.data.items.map((t) => (
              <tr key={t.id} data-testid={`token-row-${t.name}`}>
                <Td>{t.name}</Td>
                <Td>{ROLE_LABELS[t.role]}</Td>
                <Td className="font-mono text-xs text-muted">{t.prefix}…</Td>
                <Td className="text-muted">{when(t.createdAt)}</Td>
                <Td className="text-muted">{when(t.lastUsedAt)}</Td>
                <Td>{t.revokedAt ? <Badge tone="danger">Revoked</Badge> : <Badge tone="ok">Active</Badge>}</Td>
                <Td className="text-right">
                  {t.revokedAt ? null : (
                    <Button size="sm" variant="danger" onClick={() => window.confirm(`Revoke ${t.name}? Scripts using it stop at once.`) && revoke.mutate(t.id)}>
                      Revoke
                    </Button>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <Dialog open={creating} onOpenChange={setCreating} title="New API token" description="The token is shown once.">
        <form onSubmit={onSubmit} className="space-y-3" noValidate>
          <Field label="Name" error={fields.name} hint="What uses it, e.g. ci-inventory-export">{(p) => <Input {...p} name="name" required autoFocus />}</Field>
          <Field label="Role" error={fields.role}>{(p) => <RoleSelect {...p} name="role" defaultValue="AUDITOR" />}</Field>
          {create.error && Object.keys(fields).length === 0 ? <p role="alert" className="text-xs text-danger">{create.error.message}</p> : null}
          <div className="flex justify-end"><Button type="submit" disabled={create.isPending}>Create token</Button></div>
        </form>
      </Dialog>
      <Dialog open={secret !== null} onOpenChange={(o) => !o && setSecret(null)} title="API token created">
        {secret ? <SecretOnce label="API token" value={secret} /> : null}
        <div className="mt-4 text-right"><Button onClick={() => setSecret(null)}>Done</Button></div>
      </Dialog>
    </Card>
  );
}
