import type { Metadata } from "next";
import { PasswordSettings } from "@/components/auth/password-settings";
import { TwoFactorSettings } from "@/components/auth/two-factor-settings";
import { Card, CardHeader } from "@/components/ui/card";
import { ROLE_LABELS, ROLE_SUMMARIES } from "@/lib/domain/permissions";
import { requirePage } from "@/lib/server/gate";
import { getPasswordStatus } from "@/lib/server/services/auth/get-password-status";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const { actor, role } = await requirePage("session.read");
  const password = actor.type === "user" ? await getPasswordStatus(actor) : null;
  return (
    <div className="space-y-4">
    <Card className="max-w-xl">
      <CardHeader title="Your account" description="Sessions end after 30 minutes idle and 8 hours at most." />
      <dl className="grid grid-cols-[8rem_1fr] gap-y-2 px-4 py-3">
        <dt className="text-muted">E-mail</dt>
        <dd>{actor.label}</dd>
        <dt className="text-muted">Role</dt>
        <dd>
          {ROLE_LABELS[role]}: <span className="text-muted">{ROLE_SUMMARIES[role]}</span>
        </dd>
        <dt className="text-muted">Signed in from</dt>
        <dd className="font-mono text-xs">{actor.ip}</dd>
      </dl>
    </Card>
    {password ? <PasswordSettings local={password.local} provider={password.provider} /> : null}
    {actor.type === "user" ? <TwoFactorSettings /> : null}
    </div>
  );
}
