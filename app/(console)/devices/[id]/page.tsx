import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeviceDetail } from "@/components/devices/device-detail";
import { PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/domain/permissions";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Device" };

export default async function DevicePage({ params }: { params: Promise<{ id: string }> }) {
  const { role } = await requirePage("inventory.read");
  const { id } = await params;
  if (!/^[0-9a-f-]{36}$/.test(id)) notFound();
  return (
    <>
      <PageHeader title="Device" description={<Link href="/devices" className="text-brand underline">All devices</Link>} />
      <DeviceDetail id={id} canManage={can(role, "fleet.manage")} />
    </>
  );
}
