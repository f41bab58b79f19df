import type { Metadata } from "next";
import { BrokersTable } from "@/components/brokers/brokers-table";
import { PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/domain/permissions";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Brokers" };

export default async function BrokersPage() {
  const { role } = await requirePage("inventory.read");
  return (
    <>
      <PageHeader title="Brokers" description="The Mosquitto brokers Fleetward keeps in sync, and their state." />
      <BrokersTable canManage={can(role, "fleet.manage")} />
    </>
  );
}
