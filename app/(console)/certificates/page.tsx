import type { Metadata } from "next";
import { Suspense } from "react";
import { CertificateInventory } from "@/components/certificates/certificate-inventory";
import { PageHeader } from "@/components/shell/page-header";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Certificates" };

export default async function CertificatesPage() {
  await requirePage("inventory.read");
  return (
    <>
      <PageHeader title="Certificates" description="What the fleet CA issued and what Fleetward was given: status, expiry and revocation." />
      <Suspense>
        <CertificateInventory />
      </Suspense>
    </>
  );
}
