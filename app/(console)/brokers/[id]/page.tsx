import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { BrokerDetail } from "@/components/brokers/broker-detail";
import { PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/domain/permissions";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Broker" };

export default async function BrokerPage({ params }: { params: Promise<{ id: string }> }) {
  const { role } = await requirePage("inventory.read");
  const { id } = await params;
  if (!/^[0-9a-f-]{36}$/.test(id)) notFound();
  return (
    <>
      <PageHeader title="Broker" description={<Link href="/brokers" className="text-brand underline">All brokers</Link>} />
      <BrokerDetail id={id} canManage={can(role, "fleet.manage")} />
    </>
  );
}
