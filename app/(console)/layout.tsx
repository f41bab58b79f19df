import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Sidebar } from "@/components/shell/sidebar";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { ROLE_LABELS } from "@/lib/domain/permissions";
import { requirePage } from "@/lib/server/gate";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { actor, role, mustEnrolTwoFactor } = await requirePage("session.read");
  return (
    <div className="flex min-h-full">
      <Sidebar role={role} enrolling={mustEnrolTwoFactor ?? false} />
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-12 items-center justify-end gap-3 border-b border-line bg-panel px-4">
          <span className="text-muted" data-testid="current-user">{actor.label}</span>
          <Badge tone="info">{ROLE_LABELS[role]}</Badge>
          <SignOutButton />
        </header>
        <main className="flex-1 p-5">{children}</main>
      </div>
    </div>
  );
}
