"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { SyncStateBadge } from "@/components/brokers/sync-state-badge";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DeviceAccess } from "@/components/acl/device-access";
import { AccessCheck } from "@/components/acl/access-check";
import { Card, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { Table, Td, Th } from "@/components/ui/table";
import { api } from "@/lib/client/api";
import type { TSyncState } from "@/lib/domain/sync-state";
import type { TDevice, TDeviceCreated } from "@/lib/schemas/device";
import { ConnectionBundle } from "./connection-bundle";
import { SigningKeys } from "./signing-keys";
import { AUTH_LABELS, DeviceStatus } from "./devices-table";

type TDetail = TDevice & {
  certificates: { id: string; serial: string; fingerprint256: string; keyType: string; notBefore: string; notAfter: string; revokedAt: string | null; revocationReason: string | null }[];
  brokers: { broker: string; brokerId: string; syncState: TSyncState; applied: boolean }[];
  roles: { rolename: string; priority: number }[];
  groups: { groupname: string; priority: number }[];
};

const day = (iso: string) => new Date(iso).toLocaleDateString("en-GB");

export function DeviceDetail({ id, canManage }: { id: string; canManage: boolean }) {
  const qc = useQueryClient();
  const router = useRouter();
  const device = useQuery({ queryKey: ["devices", id], queryFn: () => api<TDetail>("GET", `/api/v1/devices/${id}`), refetchInterval: 3_000 });
  const [rotated, setRotated] = useState<TDeviceCreated | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ["devices"] });
  const act = useMutation({
    mutationFn: async (action: "disable" | "enable" | "rotate" | "revoke" | "delete") => {
      if (action === "delete") return api("DELETE", `/api/v1/devices/${id}`);
      if (action === "revoke") return api("POST", `/api/v1/devices/${id}/revoke`, {});
      if (action === "rotate") return setRotated(await api<TDeviceCreated>("POST", `/api/v1/devices/${id}/rotate`, {}));
      return api("PATCH", `/api/v1/devices/${id}`, { disabled: action === "disable" });
    },
    onSuccess: (_r, action) => (action === "delete" ? router.push("/devices") : refresh()),
  });
  const confirmThen = (message: string, action: Parameters<typeof act.mutate>[0]) => window.confirm(message) && act.mutate(action);

  if (device.isPending) return <p className="text-muted">Loading…</p>;
  if (device.isError) return <p role="alert" className="text-danger">{device.error.message}</p>;
  const d = device.data;
  return (
    <div className="space-y-4">
      <Card>
        <CardHeader
          title={d.clientId}
          description={d.name ?? undefined}
          actions={
            <>
              <DeviceStatus d={d} />
              {canManage && d.hasCredential ? (
                <>
                  <Button size="sm" variant="secondary" onClick={() => act.mutate(d.disabled ? "enable" : "disable")}>{d.disabled ? "Enable" : "Disable"}</Button>
                  <Button size="sm" variant="secondary" onClick={() => confirmThen(d.authType === "X509" ? "Issue a renewed certificate? The current one stays valid until revoked." : "Rotate the secret? The current one stops working on every broker.", "rotate")}>
                    {d.authType === "X509" ? "Renew certificate" : "Rotate secret"}
                  </Button>
                  <Button size="sm" variant="danger" onClick={() => confirmThen(`Revoke every credential of ${d.clientId}? It is disconnected at once.`, "revoke")}>Revoke</Button>
                </>
              ) : null}
              {canManage ? <Button size="sm" variant="danger" onClick={() => confirmThen(`Delete ${d.clientId} everywhere?`, "delete")}>Delete</Button> : null}
            </>
          }
        />
        {act.error ? <p role="alert" className="border-b border-line bg-red-50 px-4 py-2 text-danger">{act.error.message}</p> : null}
        <dl className="grid grid-cols-2 gap-x-6 gap-y-2 px-4 py-3 md:grid-cols-4">
          <div><dt className="text-xs text-muted">Credential</dt><dd>{AUTH_LABELS[d.authType]}</dd></div>
          <div><dt className="text-xs text-muted">Tags</dt><dd className="space-x-1">{d.tags.length ? d.tags.map((t) => <Badge key={t}>{t}</Badge>) : "—"}</dd></div>
          <div><dt className="text-xs text-muted">Created</dt><dd>{new Date(d.createdAt).toLocaleString("en-GB")}</dd></div>
          <div><dt className="text-xs text-muted">Access</dt><dd>{[...d.roles.map((r) => `role ${r.rolename}`), ...d.groups.map((g) => `group ${g.groupname}`)].join(", ") || "no role (default access only)"}</dd></div>
        </dl>
      </Card>
      <Card>
        <CardHeader title="On the brokers" description="Whether each broker already holds this device as it is now." />
        <Table data-testid="device-brokers">
          <thead><tr><Th>Broker</Th><Th>Broker state</Th><Th>This device</Th></tr></thead>
          <tbody>
            {d.brokers.map((b) => (
              <tr key={b.brokerId}>
                <Td>{b.broker}</Td>
                <Td><SyncStateBadge state={b.syncState} /></Td>
                <Td>{b.applied ? <Badge tone="ok">Applied</Badge> : <Badge tone="info">Pending</Badge>}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Card>
      {d.certificates.length ? (
        <Card>
          <CardHeader title="Certificates" />
          <Table>
            <thead><tr><Th>Serial</Th><Th>Key</Th><Th>Valid</Th><Th>Status</Th><Th>SHA-256</Th></tr></thead>
            <tbody>
              {d.certificates.map((c) => (
                <tr key={c.id}>
                  <Td className="font-mono text-xs">{c.serial}</Td>
                  <Td>{c.keyType}</Td>
                  <Td className="text-muted">{day(c.notBefore)} – {day(c.notAfter)}</Td>
                  <Td>{c.revokedAt ? <Badge tone="danger">Revoked {day(c.revokedAt)} ({c.revocationReason})</Badge> : <Badge tone="ok">Active</Badge>}</Td>
                  <Td className="max-w-48 truncate font-mono text-xs text-muted" title={c.fingerprint256}>{c.fingerprint256}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      ) : null}
      <SigningKeys deviceId={d.id} clientId={d.clientId} canManage={canManage} />
      <DeviceAccess key={JSON.stringify([d.roles, d.groups])} deviceId={d.id} access={d} canManage={canManage} />
      <AccessCheck deviceId={d.id} clientId={d.clientId} />
      <Dialog open={rotated !== null} onOpenChange={(o) => !o && setRotated(null)} title={d.authType === "X509" ? "Renewed certificate" : "New secret"} description="Shown once.">
        <div className="max-h-[70vh] overflow-y-auto">{rotated ? <ConnectionBundle result={rotated} /> : null}</div>
      </Dialog>
    </div>
  );
}
