"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FileUp, Plus } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input, Select } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
import { Textarea } from "@/components/ui/textarea";
import { api, ApiError } from "@/lib/client/api";
import type { TCa } from "@/lib/schemas/ca";

const SOURCE: Record<TCa["source"], string> = { FLEET: "Fleet CA (also signs brokers)", CREATED: "Created here", IMPORTED: "Imported" };

/** The device CAs brokers trust, which one issues, and (for admins) adding one by creating or importing it. */
export function CaManager({ canManage }: { canManage: boolean }) {
  const [dialog, setDialog] = useState<"create" | "import" | null>(null);
  const cas = useQuery({ queryKey: ["cas"], queryFn: () => api<{ items: TCa[] }>("GET", "/api/v1/ca") });
  return (
    <Card>
      <CardHeader
        title="Certificate authorities"
        description="Brokers trust every CA here for device certificates. The issuing one signs new and renewed device certificates; certificates from the others stay valid until they expire or are revoked."
        actions={
          canManage ? (
            <>
              <Button variant="secondary" onClick={() => setDialog("import")}><FileUp className="size-4" /> Import CA</Button>
              <Button onClick={() => setDialog("create")}><Plus className="size-4" /> Create CA</Button>
            </>
          ) : null
        }
      />
      {cas.error ? (
        <p role="alert" className="px-4 py-6 text-center text-danger">{cas.error.message}</p>
      ) : !cas.data ? (
        <p role="status" className="px-4 py-6 text-center text-muted">Loading…</p>
      ) : (
        <Table aria-label="Certificate authorities">
          <thead><tr><Th>Name</Th><Th>Source</Th><Th>Key</Th><Th>Valid until</Th><Th>Device certificates</Th><Th>SHA-256</Th><Th /></tr></thead>
          <tbody>
            {cas.data.items.map((c) => (
              <tr key={c.id}>
                <Td className="font-medium">{c.commonName}</Td>
                <Td className="text-muted">{SOURCE[c.source]}</Td>
                <Td className="whitespace-nowrap">{c.keyType}{c.keyBits && !c.keyType.startsWith("EC") ? ` ${c.keyBits}` : ""}</Td>
                <Td className="whitespace-nowrap tabular-nums">{new Date(c.notAfter).toLocaleDateString("en-GB", { day: "2-digit", month: "short", year: "numeric" })}</Td>
                <Td className="tabular-nums">{c.deviceCertificates.toLocaleString("en")}</Td>
                <Td className="max-w-48 truncate font-mono text-xs" title={c.fingerprint256}>{c.fingerprint256}</Td>
                <Td>{c.issuing ? <Badge tone="info">issuing</Badge> : null}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {canManage ? (
        <>
          <CreateCaDialog open={dialog === "create"} onOpenChange={(o) => setDialog(o ? "create" : null)} />
          <ImportCaDialog open={dialog === "import"} onOpenChange={(o) => setDialog(o ? "import" : null)} />
        </>
      ) : null}
    </Card>
  );
}

function useAddCa(path: string, close: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: unknown) => api<TCa>("POST", path, body),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ["cas"] });
      void qc.invalidateQueries({ queryKey: ["certificates"] });
      close();
    },
  });
}

type TDialogProps = { open: boolean; onOpenChange: (open: boolean) => void };

function CreateCaDialog({ open, onOpenChange }: TDialogProps) {
  const add = useAddCa("/api/v1/ca", () => onOpenChange(false));
  const fields = add.error instanceof ApiError ? add.error.fields : {};
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    add.mutate({ commonName: String(f.get("commonName") ?? "").trim(), algorithm: f.get("algorithm"), validityDays: Number(f.get("validityDays")) });
  }
  return (
    <Dialog open={open} onOpenChange={(o) => (add.reset(), onOpenChange(o))} title="Create a device CA" description="Its key is generated here and sealed at rest. It becomes the issuing CA; brokers trust it within seconds, without a restart.">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <Field label="Common name" error={fields.commonName}>{(p) => <Input {...p} name="commonName" defaultValue="Fleetward Device CA" autoFocus />}</Field>
        <Field label="Key" error={fields.algorithm}>
          {(p) => (
            <Select {...p} name="algorithm" defaultValue="ecdsa-p256">
              <option value="ecdsa-p256">ECDSA P-256 (recommended)</option>
              <option value="rsa-3072">RSA 3072</option>
            </Select>
          )}
        </Field>
        <Field label="Validity (days)" error={fields.validityDays} hint="30 to 7300 days. Device certificates are issued for 397 days.">{(p) => <Input {...p} name="validityDays" type="number" defaultValue={3650} min={30} max={7300} />}</Field>
        {add.error && Object.keys(fields).length === 0 ? <p role="alert" className="text-xs text-danger">{add.error.message}</p> : null}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="ghost" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" disabled={add.isPending}>{add.isPending ? "Creating…" : "Create CA"}</Button>
        </div>
      </form>
    </Dialog>
  );
}

function ImportCaDialog({ open, onOpenChange }: TDialogProps) {
  const add = useAddCa("/api/v1/ca/import", () => onOpenChange(false));
  const fields = add.error instanceof ApiError ? add.error.fields : {};
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    add.mutate({ certPem: String(f.get("certPem") ?? ""), keyPem: String(f.get("keyPem") ?? "") });
  }
  return (
    <Dialog open={open} onOpenChange={(o) => (add.reset(), onOpenChange(o))} title="Import a device CA" description="A root CA (self-signed, CA:TRUE) and its unencrypted private key. The key is sealed at rest and never shown again.">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <Field label="CA certificate (PEM)" error={fields.certPem}>{(p) => <Textarea {...p} name="certPem" rows={5} placeholder="-----BEGIN CERTIFICATE-----" />}</Field>
        <Field label="Private key (PEM)" error={fields.keyPem}>{(p) => <Textarea {...p} name="keyPem" rows={5} placeholder="PEM: PKCS#8, PKCS#1 or SEC1, not encrypted" autoComplete="off" />}</Field>
        {add.error && Object.keys(fields).length === 0 ? <p role="alert" className="text-xs text-danger">{add.error.message}</p> : null}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="ghost" onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" disabled={add.isPending}>{add.isPending ? "Checking…" : "Import CA"}</Button>
        </div>
      </form>
    </Dialog>
  );
}
