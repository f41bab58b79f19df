import { FileLock2 } from "lucide-react";
import type { Metadata } from "next";
import { EmptyArea } from "@/components/shell/empty-area";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Certificates" };

export default async function Page() {
  await requirePage("inventory.read");
  return (
    <EmptyArea
      title="Certificates"
      description="Fleet CA, device certificates, expiry, renewal and revocation."
      icon={FileLock2}
      emptyTitle="No certificates yet"
      emptyText="Certificates appear here once the fleet CA issues them to devices."
    />
  );
}
