"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input, Select } from "@/components/ui/field";
import { SecretOnce } from "@/components/ui/secret-once";
import { Table, Td, Th } from "@/components/ui/table";
import { api, ApiError } from "@/lib/client/api";
import type { TContentKey, TContentKeyCreated } from "@/lib/schemas/signing";

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en-GB") : "—");

/** Payload encryption keys of devices and groups: issued (shown once) and revoked by an admin, read by an auditor. */
export function ContentKeys({ canManage }: { canManage: boolean }) {
  const qc = useQueryClient();
  const keys = useQuery({ queryKey: ["content-keys"], queryFn: () => api<{ items: TContentKey[] }>("GET", "/api/v1/content-keys") });
  const [scope, setScope] = useState<"clientId" | "groupname">("clientId");
  const [issued, setIssued] = useState<TContentKeyCreated | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ["content-keys"] });
  const issue = useMutation({ mutationFn: (body: unknown) => api<TContentKeyCreated>("POST", "/api/v1/content-keys", body), onSuccess: (r) => (setIssued(r), refresh()) });
  const revoke = useMutation({ mutationFn: (kid: string) => api("POST", `/api/v1/content-keys/${kid}/revoke`, {}), onSuccess: refresh });
  const fields = issue.error instanceof ApiError ? issue.error.fields : {};

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    issue.mutate({ name: String(f.get("name") ?? "").trim(), [scope]: String(f.get("target") ?? "").trim() });
  }

  return (
    <Card>
      <CardHeader
        title="Payload encryption keys"
        description="A device or a group encrypts its messages (JWE, AES-256-GCM) so the brokers carry only ciphertext. Give the key, shown once, to the devices and to the consumers allowed to read; admins may decrypt single messages in Live's inspector (audited)."
      />
      {canManage ? (
        <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3 border-b border-line p-4" noValidate aria-label="New content key">
          <Field label="Key name" error={fields.name}>{(p) => <Input {...p} name="name" className="w-48" />}</Field>
          <Field label="For">
            {(p) => (
              <Select {...p} value={scope} onChange={(e) => setScope(e.target.value as typeof scope)} className="w-32">
                <option value="clientId">a device</option>
                <option value="groupname">a group</option>
              </Select>
            )}
          </Field>
          <Field label={scope === "clientId" ? "Client id" : "Group name"} error={fields[scope]}>{(p) => <Input {...p} name="target" className="w-56 font-mono" />}</Field>
          <Button type="submit" size="sm" disabled={issue.isPending}>Issue key</Button>
          {issue.error && Object.keys(fields).length === 0 ? <span role="alert" className="text-xs text-danger">{issue.error.message}</span> : null}
        </form>
      ) : null}
      {revoke.error ? <p role="alert" className="border-b border-line bg-red-50 px-4 py-2 text-danger">{revoke.error.message}</p> : null}
      <Table data-testid="content-keys">
        <thead><tr><Th>Key id</Th><Th>Name</Th><Th>For</Th><Th>Status</Th><Th>Issued</Th><Th /></tr></thead>
        <tbody>
          {keys.data?.items.map((k) => (
            <tr key={k.id} data-kid={k.id}>
              <Td className="font-mono text-xs">{k.id}</Td>
              <Td>{k.name}</Td>
              <Td>{k.scope.kind} <span className="font-mono text-xs">{k.scope.name}</span></Td>
              <Td>{k.status === "active" ? <Badge tone="ok">Active</Badge> : <Badge tone="danger">Revoked {when(k.revokedAt)}</Badge>}</Td>
              <Td className="text-muted">{when(k.createdAt)} by {k.createdBy}</Td>
              <Td>{canManage && k.status === "active" ? <Button size="sm" variant="danger" onClick={() => window.confirm(`Revoke ${k.id}? Messages under it become invalid and can no longer be decrypted here.`) && revoke.mutate(k.id)}>Revoke</Button> : null}</Td>
            </tr>
          ))}
          {keys.data && keys.data.items.length === 0 ? <tr><Td colSpan={6} className="py-6 text-center text-muted">No content key: payloads travel as the devices send them.</Td></tr> : null}
        </tbody>
      </Table>
      <Dialog open={issued !== null} onOpenChange={(o) => !o && setIssued(null)} title={`Content key ${issued?.key.id ?? ""}`} description="Shown once.">
        {issued ? (
          <div className="space-y-3">
            <SecretOnce label="Content key (AES-256, base64url)" value={issued.secret.contentKey} />
            <CodeBlock label="Encrypt what the example publishes" text={issued.example} />
          </div>
        ) : null}
      </Dialog>
    </Card>
  );
}
