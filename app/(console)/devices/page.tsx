import type { Metadata } from "next";
import { DevicesTable } from "@/components/devices/devices-table";
import { PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/domain/permissions";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Devices" };

export default async function DevicesPage() {
  const { role } = await requirePage("inventory.read");
  return (
    <>
      <PageHeader title="Devices" description="Every device with its own credential: password, TLS-PSK key or client certificate." />
      <DevicesTable canManage={can(role, "fleet.manage")} />
    </>
  );
}
