import { Activity } from "lucide-react";
import type { Metadata } from "next";
import { EmptyArea } from "@/components/shell/empty-area";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Live" };

export default async function Page() {
  await requirePage("fleet.manage");
  return (
    <EmptyArea
      title="Live"
      description="Connections and traffic across the fleet as they happen."
      icon={Activity}
      emptyTitle="Nothing to watch yet"
      emptyText="Live connections and traffic appear here once brokers are registered."
    />
  );
}
