"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { Dialog } from "@/components/ui/dialog";
import { Field, Select } from "@/components/ui/field";
import { SecretOnce } from "@/components/ui/secret-once";
import { Table, Td, Th } from "@/components/ui/table";
import { api, ApiError } from "@/lib/client/api";
import { SIGNING_ALGORITHM_LABELS, SIGNING_ALGORITHMS, type TSigningAlgorithm } from "@/lib/domain/message-signing";
import type { TSigningKey, TSigningKeyIssued } from "@/lib/schemas/signing";

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en-GB") : "—");

/** A signing key's private part, once: the PEM or HMAC key to install on the device. */
export function SigningSecret({ clientId, secret }: { clientId: string; secret: TSigningKeyIssued["secret"] }) {
  return "privateKeyPem" in secret ? (
    <>
      <SecretOnce label="Signing private key (Ed25519, PKCS#8)" value={secret.privateKeyPem} />
      <CodeBlock label="Signing key file" text={secret.privateKeyPem} filename={`${clientId}-signing.pem`} />
    </>
  ) : (
    <SecretOnce label="Signing key (HMAC-SHA256, base64url)" value={secret.hmacKey} />
  );
}

/** A device's message signing keys: issue (once shown), rotate, revoke. */
export function SigningKeys({ deviceId, clientId, canManage }: { deviceId: string; clientId: string; canManage: boolean }) {
  const qc = useQueryClient();
  const keys = useQuery({ queryKey: ["devices", deviceId, "signing-keys"], queryFn: () => api<{ items: TSigningKey[] }>("GET", `/api/v1/devices/${deviceId}/signing-keys`) });
  const [algorithm, setAlgorithm] = useState<TSigningAlgorithm>("EdDSA");
  const [issued, setIssued] = useState<TSigningKeyIssued | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ["devices", deviceId, "signing-keys"] });
  const issue = useMutation({
    mutationFn: (replace: boolean) => api<TSigningKeyIssued>("POST", `/api/v1/devices/${deviceId}/signing-keys`, { algorithm, replace }),
    onSuccess: (r) => (setIssued(r), refresh()),
  });
  const revoke = useMutation({ mutationFn: (kid: string) => api("POST", `/api/v1/devices/${deviceId}/signing-keys/${kid}/revoke`, {}), onSuccess: refresh });
  const active = keys.data?.items.filter((k) => k.status === "active") ?? [];
  const error = issue.error ?? revoke.error;
  return (
    <Card>
      <CardHeader
        title="Message signing keys"
        description="The device signs what it publishes (a JWS naming the key); Fleetward verifies messages on the topics Security > Message signing names. The private part is shown once."
        actions={
          canManage ? (
            <div className="flex items-end gap-2">
              <Field label="Algorithm">
                {(p) => (
                  <Select {...p} value={algorithm} onChange={(e) => setAlgorithm(e.target.value as TSigningAlgorithm)} className="w-40">
                    {SIGNING_ALGORITHMS.map((a) => <option key={a} value={a}>{SIGNING_ALGORITHM_LABELS[a]}</option>)}
                  </Select>
                )}
              </Field>
              <Button size="sm" variant="secondary" onClick={() => issue.mutate(false)} disabled={issue.isPending}>New key</Button>
              {active.length ? (
                <Button size="sm" variant="secondary" disabled={issue.isPending} onClick={() => window.confirm(`Issue a new key and revoke the ${active.length} active one(s)? Messages signed with them become invalid at once.`) && issue.mutate(true)}>
                  Rotate key
                </Button>
              ) : null}
            </div>
          ) : null
        }
      />
      {error ? <p role="alert" className="border-b border-line bg-red-50 px-4 py-2 text-danger">{error instanceof ApiError ? error.message : String(error)}</p> : null}
      <Table data-testid="signing-keys">
        <thead><tr><Th>Key id</Th><Th>Algorithm</Th><Th>Status</Th><Th>Issued</Th><Th>Last verified</Th><Th>Counter</Th><Th /></tr></thead>
        <tbody>
          {keys.data?.items.map((k) => (
            <tr key={k.id} data-kid={k.id}>
              <Td className="font-mono text-xs">{k.id}</Td>
              <Td>{SIGNING_ALGORITHM_LABELS[k.algorithm]}</Td>
              <Td>{k.status === "active" ? <Badge tone="ok">Active</Badge> : <Badge tone="danger">Revoked {when(k.revokedAt)}</Badge>}</Td>
              <Td className="text-muted">{when(k.createdAt)} by {k.createdBy}</Td>
              <Td className="text-muted">{when(k.lastSeenAt)}</Td>
              <Td className="font-mono text-xs">{k.lastCounter ?? "—"}</Td>
              <Td>{canManage && k.status === "active" ? <Button size="sm" variant="danger" onClick={() => window.confirm(`Revoke key ${k.id}? Messages signed with it become invalid.`) && revoke.mutate(k.id)}>Revoke</Button> : null}</Td>
            </tr>
          ))}
          {keys.data && keys.data.items.length === 0 ? <tr><Td colSpan={7} className="py-6 text-center text-muted">No signing key: this device&apos;s messages cannot be verified.</Td></tr> : null}
        </tbody>
      </Table>
      <Dialog open={issued !== null} onOpenChange={(o) => !o && setIssued(null)} title={`Signing key ${issued?.key.id ?? ""}`} description={issued?.revoked.length ? `Revoked with it: ${issued.revoked.join(", ")}. Shown once.` : "Shown once."}>
        {issued ? (
          <div className="max-h-[70vh] space-y-3 overflow-y-auto">
            <SigningSecret clientId={clientId} secret={issued.secret} />
            <CodeBlock label="Publish signed messages (examples/signed-publisher.mjs)" text={issued.example} />
          </div>
        ) : null}
      </Dialog>
    </Card>
  );
}
