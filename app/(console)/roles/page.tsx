import type { Metadata } from "next";
import { AclFindings } from "@/components/acl/acl-findings";
import { DefaultAccess } from "@/components/acl/default-access";
import { GroupsManager } from "@/components/acl/groups-manager";
import { PolicySimulator } from "@/components/acl/policy-simulator";
import { RolesManager } from "@/components/acl/roles-manager";
import { PageHeader } from "@/components/shell/page-header";
import { can } from "@/lib/domain/permissions";
import { requirePage } from "@/lib/server/gate";

export const metadata: Metadata = { title: "Roles & ACLs" };

export default async function RolesPage() {
  const { role } = await requirePage("inventory.read");
  const canManage = can(role, "fleet.manage");
  return (
    <>
      <PageHeader title="Roles & ACLs" description="Least-privilege topic access: roles, groups and the fleet's default, each change reviewed before it reaches the brokers. A device's own page shows what the brokers enforce for it now." />
      <div className="space-y-4">
        <AclFindings />
        <RolesManager canManage={canManage} />
        <div className="grid gap-4 xl:grid-cols-2">
          <GroupsManager canManage={canManage} />
          <DefaultAccess canManage={canManage} />
        </div>
        <PolicySimulator />
      </div>
    </>
  );
}
