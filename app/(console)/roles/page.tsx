import type { Metadata } from "next";
import { PolicySimulator } from "@/components/acl/policy-simulator";
import { PageHeader } from "@/components/shell/page-header";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Roles & ACLs" };

export default async function RolesPage() {
  await requirePage("inventory.read");
  return (
    <>
      <PageHeader title="Roles & ACLs" description="Least-privilege topic access: try a policy here before it goes live. A device's own page shows what the brokers enforce for it now." />
      <PolicySimulator />
    </>
  );
}
