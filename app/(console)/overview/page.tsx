import { Server, TriangleAlert } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { AuditTable } from "@/components/audit/audit-table";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { can, ROLE_LABELS, ROLE_SUMMARIES } from "@/lib/domain/permissions";
import { requirePage } from "@/lib/server/gate";
import { findAclFindings } from "@/lib/server/services/acl/find-acl-findings";
import { findAuditEvents } from "@/lib/server/services/audit/find-audit-events";
import { findBrokers } from "@/lib/server/services/brokers/find-brokers";
import { certificateExpiry } from "@/lib/server/services/certificates/certificate-expiry";
import { ExpiryChart } from "@/components/certificates/expiry-chart";
import { LiveTraffic } from "@/components/live/live-traffic";
import { SyncStateBadge, formatUptime } from "@/components/brokers/sync-state-badge";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const { actor, role } = await requirePage("overview.read");
  const [recent, brokers, expiry, acl] = await Promise.all([can(role, "audit.read") ? findAuditEvents({ limit: 8 }) : null, findBrokers(), certificateExpiry(), findAclFindings()]);
  const expiring = expiry.within["30"];
  const serious = acl.findings.filter((f) => f.severity !== "low");
  const alerts: { tone: "danger" | "warn"; label: string; text: string; href: string }[] = [
    ...brokers.items.filter((b) => b.syncState === "offline").map((b) => ({ tone: "danger" as const, label: "offline", text: `Broker ${b.name} is not answering.`, href: `/brokers/${b.id}` })),
    ...brokers.items.filter((b) => b.syncState === "drifted" || b.syncState === "error").map((b) => ({ tone: "danger" as const, label: b.syncState, text: `Broker ${b.name} is out of sync${b.lastError ? `: ${b.lastError}` : "."}`, href: `/brokers/${b.id}` })),
    ...(expiring > 0 || expiry.expired > 0 ? [{ tone: "warn" as const, label: "certificates", text: `${expiring} certificate(s) expire within 30 days; ${expiry.expired} expired.`, href: "/certificates?status=expiring" }] : []),
  ];
  return (
    <>
      <PageHeader title="Overview" description={`Signed in as ${actor.label}.`} />
      {expiring > 0 || expiry.expired > 0 ? (
        <Link href="/certificates?status=expiring" role="alert" data-testid="expiry-flag" className="mb-4 flex items-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 hover:bg-amber-100">
          <TriangleAlert className="size-4 shrink-0" />
          <span>
            {expiring > 0 ? `${expiring} certificate${expiring === 1 ? "" : "s"} expire${expiring === 1 ? "s" : ""} within 30 days (${expiry.within["7"]} within 7)` : ""}
            {expiring > 0 && expiry.expired > 0 ? "; " : ""}
            {expiry.expired > 0 ? `${expiry.expired} expired` : ""}. Renew or replace them before devices are cut off.
          </span>
        </Link>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader
            title="Fleet"
            description="Brokers, their sync state and connected clients."
            actions={<Link className="text-xs text-brand underline" href="/brokers">All brokers</Link>}
          />
          {brokers.items.length === 0 ? (
            <EmptyState icon={Server} title="No brokers registered">
              Register one on the Brokers page, or start the local demo fleet with `npx fleetward fleet up`.
            </EmptyState>
          ) : (
            <ul className="divide-y divide-line" data-testid="fleet-summary">
              {brokers.items.map((b) => (
                <li key={b.id} className="flex items-center justify-between gap-4 px-4 py-2">
                  <Link href={`/brokers/${b.id}`} className="font-medium text-brand hover:underline">{b.name}</Link>
                  <span className="flex items-center gap-4 text-xs text-muted">
                    <span>{b.connectedClients ?? "—"} clients</span>
                    <span>up {formatUptime(b.uptimeSeconds)}</span>
                    <SyncStateBadge state={b.syncState} />
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <div className="space-y-4">
          <Card>
            <CardHeader title="Certificate expiry" actions={<Link className="text-xs text-brand underline" href="/certificates">All certificates</Link>} />
            <div className="p-4">
              <ExpiryChart expiry={expiry} hrefFor={(bar) => (bar === "expired" ? "/certificates?status=expired" : `/certificates?expiresWithinDays=${bar}`)} />
            </div>
          </Card>
          <Card data-testid="acl-findings">
            <CardHeader title="Access findings" description="From the ACL linter: roles, groups, defaults and what brokers enforce." actions={<Link className="text-xs text-brand underline" href="/roles">Roles &amp; ACLs</Link>} />
            {serious.length ? (
              <ul className="divide-y divide-line text-xs">
                {serious.slice(0, 4).map((f, i) => (
                  <li key={i} className="flex items-start gap-2 px-4 py-2">
                    <Badge tone={f.severity === "high" ? "danger" : "warn"}>{f.severity}</Badge>
                    <span>{f.message}</span>
                  </li>
                ))}
                {serious.length > 4 ? <li className="px-4 py-2 text-muted">and {serious.length - 4} more on the Roles &amp; ACLs page</li> : null}
              </ul>
            ) : (
              <p className="px-4 py-3 text-xs text-muted">No high or medium findings{acl.findings.length ? ` (${acl.findings.length} low)` : ""}.</p>
            )}
          </Card>
          <Card>
            <CardHeader title={`Your role: ${ROLE_LABELS[role]}`} />
            <p className="px-4 py-3 text-muted">{ROLE_SUMMARIES[role]}</p>
          </Card>
        </div>
      </div>
      <div className="mt-4 grid gap-4 lg:grid-cols-3">
        <div className="lg:col-span-2"><LiveTraffic /></div>
        <Card data-testid="alerts">
          <CardHeader title="Alerts" description="What needs attention now." />
          {alerts.length ? (
            <ul className="divide-y divide-line text-xs">
              {alerts.map((a, i) => (
                <li key={i} className="flex items-start gap-2 px-4 py-2">
                  <Badge tone={a.tone}>{a.label}</Badge>
                  <Link href={a.href} className="hover:underline">{a.text}</Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="px-4 py-3 text-xs text-muted">No alerts: every broker is reachable and in sync, no certificate expires within 30 days.</p>
          )}
        </Card>
      </div>
      {recent ? (
        <Card className="mt-4">
          <CardHeader
            title="Recent activity"
            description="The latest entries of the tamper-evident audit log."
            actions={<Link className="text-xs text-brand underline" href="/audit">Open the audit log</Link>}
          />
          <AuditTable events={recent.items} />
        </Card>
      ) : null}
    </>
  );
}
