import type { Metadata } from "next";
import { AuditLog } from "@/components/audit/audit-log";
import { PageHeader } from "@/components/shell/page-header";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage() {
  await requirePage("audit.read");
  return (
    <>
      <PageHeader title="Audit log" description="Who did what, when and from where. Each event is chained to the one before by its hash." />
      <AuditLog />
    </>
  );
}
