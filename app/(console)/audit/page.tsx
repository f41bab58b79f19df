import type { Metadata } from "next";
import { AuditChainCard } from "@/components/audit/audit-chain-card";
import { AuditLog } from "@/components/audit/audit-log";
import { PageHeader } from "@/components/shell/page-header";
import { requirePage } from "@/lib/server/gate";
import { findAuditCheckpoint } from "@/lib/server/services/audit/find-audit-checkpoint";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage() {
  await requirePage("audit.read");
  const { checkpoint, file, error } = await findAuditCheckpoint();
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who did what, when and from where. Each event is chained to the one before by its hash and MACed under a key the database does not hold."
      />
      <div className="space-y-4">
        <AuditChainCard checkpoint={checkpoint} file={file} error={error} />
        <AuditLog />
      </div>
    </>
  );
}
