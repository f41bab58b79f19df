import type { Metadata } from "next";
import { LiveView } from "@/components/live/live-view";
import { PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/domain/permissions";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Live" };

export default async function Page() {
  const { role } = await requirePage("overview.read");
  return (
    <>
      <PageHeader title="Live connections and traffic" description="Who is connected to which broker right now, who just left, and what the devices are saying." />
      <LiveView canDisconnect={can(role, "live.disconnect")} canDecrypt={can(role, "live.decrypt")} />
    </>
  );
}
