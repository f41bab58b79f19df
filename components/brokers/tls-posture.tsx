"use client";
import { useMutation } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { api } from "@/lib/client/api";
import type { TTlsPosture } from "@/lib/fleet/tls-probe";

type TResult = { probedAt: string; listeners: { listener: string; port: number; posture: TTlsPosture }[] };
const VERSIONS = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;
const OLD = new Set(["TLSv1", "TLSv1.1"]);

export function TlsPosture({ id }: { id: string }) {
  const probe = useMutation({ mutationFn: () => api<TResult>("GET", `/api/v1/brokers/${id}/tls`) });
  return (
    <Card>
      <CardHeader
        title="TLS posture"
        description="Handshakes from Fleetward to each listener (the TLS-PSK listener with Fleetward's probe identity, which may use no topic): which protocol versions it accepts, the suite it negotiates and its certificate."
        actions={<Button size="sm" variant="secondary" onClick={() => probe.mutate()} disabled={probe.isPending}>{probe.isPending ? "Probing…" : "Probe TLS"}</Button>}
      />
      {probe.error ? <p role="alert" className="px-4 py-3 text-danger">{probe.error.message}</p> : null}
      {probe.data ? (
        <Table data-testid="tls-posture">
          <thead>
            <tr><Th>Listener</Th>{VERSIONS.map((v) => <Th key={v}>{v}</Th>)}<Th>Negotiated</Th><Th>Certificate</Th></tr>
          </thead>
          <tbody>
            {probe.data.listeners.map(({ listener, port, posture }) => {
              const leaf = posture.chain[0];
              return (
                <tr key={listener}>
                  <Td>{listener} <span className="text-xs text-muted">:{port}</span></Td>
                  {VERSIONS.map((v) => {
                    const s = posture.accepted[v];
                    const bad = s === "accepted" && OLD.has(v);
                    // On hover: the suite negotiated, or the answer that made it refused or untestable.
                    return <Td key={v}><Badge title={posture.detail[v]} tone={bad ? "danger" : s === "accepted" ? "ok" : s === "untestable" ? "warn" : "neutral"}>{s}</Badge></Td>;
                  })}
                  <Td className="text-xs"><Negotiated posture={posture} /></Td>
                  <Td className="text-xs text-muted">
                    {leaf
                      ? `${leaf.subject}; ${leaf.keyType}; ${leaf.sans.join(" ")}; expires ${new Date(leaf.notAfter).toLocaleDateString("en-GB")}`
                      : posture.authentication === "pre-shared key" && posture.negotiated ? "pre-shared key, no certificate" : "—"}
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      ) : null}
    </Card>
  );
}

/** The default handshake: protocol and suite, then the key exchange and whether it was forward secret. */
function Negotiated({ posture }: { posture: TTlsPosture }) {
  const n = posture.negotiated;
  if (!n) return <>{posture.error}</>;
  // A client limited to TLS 1.2 gets this suite instead (its name says its key exchange).
  const tls12 = n.protocol !== "TLSv1.2" && posture.accepted["TLSv1.2"] === "accepted" ? posture.detail["TLSv1.2"] : undefined;
  return (
    <>
      <span className="block">{n.protocol}, {n.cipher}</span>
      <span className="block">
        {n.keyExchange ?? "no ephemeral key"}{" "}
        <Badge tone={n.forwardSecret ? "ok" : "danger"}>{n.forwardSecret ? "forward secret" : "no forward secrecy"}</Badge>
      </span>
      {tls12 ? <span className="block text-muted">TLSv1.2: {tls12}</span> : null}
    </>
  );
}
