import type { Metadata } from "next";
import { BulkImport } from "@/components/devices/bulk-import";
import { PageHeader } from "@/components/shell/page-header";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Import devices" };

export default async function ImportDevicesPage({ searchParams }: { searchParams: Promise<{ batch?: string }> }) {
  await requirePage("fleet.manage");
  const { batch } = await searchParams;
  return (
    <>
      <PageHeader title="Import devices" />
      <BulkImport batchId={batch && /^[0-9a-f-]{36}$/i.test(batch) ? batch : undefined} />
    </>
  );
}
