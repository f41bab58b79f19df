import type { ReactNode } from "react";
import { navigationFor, SETTINGS_NAVIGATION } from "@/components/shell/navigation";
import { PageHeader } from "@/components/shell/page-header";
import { SubNav } from "@/components/shell/sub-nav";
import { requirePage } from "@/lib/server/gate";

export default async function SettingsLayout({ children }: { children: ReactNode }) {
  const { role, mustEnrolTwoFactor } = await requirePage("session.read");
  const items = navigationFor(role, SETTINGS_NAVIGATION, mustEnrolTwoFactor).map(({ href, label }) => ({ href, label }));
  return (
    <>
      <PageHeader title="Settings" />
      <SubNav items={items} />
      {children}
    </>
  );
}
