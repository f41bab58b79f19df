import type { Metadata } from "next";
import { LoginForm } from "@/components/auth/login-form";
import { ssoRefusal } from "@/lib/domain/security/sso";
import { oidcEnv } from "@/lib/server/env";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ expired?: string; error?: string }> }) {
  const { expired, error } = await searchParams;
  const sso = oidcEnv()?.name ?? null;
  return (
    <main className="flex min-h-full items-center justify-center p-6">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <p className="text-xl font-semibold tracking-tight">Fleetward</p>
          <p className="text-muted">Sign in to manage your broker fleet</p>
        </div>
        <LoginForm expired={expired === "1"} sso={sso} ssoError={error ? ssoRefusal(error.slice(0, 40)) : null} />
      </div>
    </main>
  );
}
