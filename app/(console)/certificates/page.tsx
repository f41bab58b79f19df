import type { Metadata } from "next";
import { Suspense } from "react";
import { CaManager } from "@/components/certificates/ca-manager";
import { CertificateInventory } from "@/components/certificates/certificate-inventory";
import { PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/domain/permissions";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Certificates" };

export default async function CertificatesPage() {
  const { role } = await requirePage("inventory.read");
  return (
    <>
      <PageHeader title="Certificates" description="What the fleet CA issued and what Fleetward was given: status, expiry and revocation." />
      <div className="space-y-4">
        <CaManager canManage={can(role, "ca.manage")} />
        <Suspense>
          <CertificateInventory />
        </Suspense>
      </div>
    </>
  );
}
