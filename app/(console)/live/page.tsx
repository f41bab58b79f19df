import type { Metadata } from "next";
import { ConnectionsView } from "@/components/live/connections-view";
import { PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/domain/permissions";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Live" };

export default async function Page() {
  const { role } = await requirePage("overview.read");
  return (
    <>
      <PageHeader title="Live connections" description="Who is connected to which broker right now, and who just left." />
      <ConnectionsView canDisconnect={can(role, "live.disconnect")} />
    </>
  );
}
