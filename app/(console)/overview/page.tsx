import { Server } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { AuditTable } from "@/components/audit/audit-table";
import { PageHeader } from "@/components/shell/page-header";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { can, ROLE_LABELS, ROLE_SUMMARIES } from "@/lib/domain/permissions";
import { requirePage } from "@/lib/server/gate";
import { findAuditEvents } from "@/lib/server/services/audit/find-audit-events";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const { actor, role } = await requirePage("overview.read");
  const recent = can(role, "audit.read") ? await findAuditEvents({ limit: 8 }) : null;
  return (
    <>
      <PageHeader title="Overview" description={`Signed in as ${actor.label}.`} />
      <div className="grid gap-4 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title="Fleet" description="Brokers, their sync state and connected clients." />
          <EmptyState icon={Server} title="No brokers registered">
            Fleetward has no brokers to manage yet.
          </EmptyState>
        </Card>
        <Card>
          <CardHeader title={`Your role: ${ROLE_LABELS[role]}`} />
          <p className="px-4 py-3 text-muted">{ROLE_SUMMARIES[role]}</p>
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
