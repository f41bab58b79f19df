import { ShieldCheck } from "lucide-react";
import type { Metadata } from "next";
import { EmptyArea } from "@/components/shell/empty-area";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Roles & ACLs" };

export default async function Page() {
  await requirePage("inventory.read");
  return (
    <EmptyArea
      title="Roles & ACLs"
      description="Least-privilege topic access, written once and enforced by every broker."
      icon={ShieldCheck}
      emptyTitle="No roles yet"
      emptyText="Roles and their topic ACLs appear here once they are written."
    />
  );
}
