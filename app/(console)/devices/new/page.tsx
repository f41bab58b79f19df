import type { Metadata } from "next";
import { NewDeviceForm } from "@/components/devices/new-device-form";
import { PageHeader } from "@/components/shell/page-header";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "New device" };

export default async function NewDevicePage() {
  await requirePage("fleet.manage");
  return (
    <>
      <PageHeader title="Onboard a device" />
      <NewDeviceForm />
    </>
  );
}
