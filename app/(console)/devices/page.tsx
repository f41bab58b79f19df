import { Smartphone } from "lucide-react";
import type { Metadata } from "next";
import { EmptyArea } from "@/components/shell/empty-area";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Devices" };

export default async function Page() {
  await requirePage("inventory.read");
  return (
    <EmptyArea
      title="Devices"
      description="Every device with its own credential: password, TLS-PSK key or client certificate."
      icon={Smartphone}
      emptyTitle="No devices yet"
      emptyText="Devices appear here once they are onboarded. Onboarding needs a registered broker fleet first."
    />
  );
}
