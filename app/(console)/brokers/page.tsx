import { Server } from "lucide-react";
import type { Metadata } from "next";
import { EmptyArea } from "@/components/shell/empty-area";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Brokers" };

export default async function Page() {
  await requirePage("inventory.read");
  return (
    <EmptyArea
      title="Brokers"
      description="The Mosquitto brokers Fleetward keeps in sync, and their state."
      icon={Server}
      emptyTitle="No brokers registered"
      emptyText="Fleetward has no brokers to manage yet."
    />
  );
}
