"use client";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";

function refusalMessage(code: string | undefined, sso: string | null): string {
  if (code === "local_off") return `Local sign-in is turned off for this account: sign in with ${sso ?? "single sign-on"}.`;
  const locked = /^locked:(\d+)$/.exec(code ?? "");
  if (locked) {
    return `Too many failed sign-ins for this account or network. Sign-in is refused for ${locked[1]} more minute${locked[1] === "1" ? "" : "s"}.`;
  }
  return "Wrong e-mail or password, or the account is disabled.";
}

const CODE_REFUSED = "The code was refused: type the code your authenticator shows now (each code works once), or a recovery code.";

export function LoginForm({ expired, sso, ssoError }: { expired: boolean; sso: string | null; ssoError: string | null }) {
  const [error, setError] = useState<string | null>(ssoError);
  const [codeError, setCodeError] = useState<string | null>(null);
  /** Set once the password was right and the account has a second factor: the code step. */
  const [credentials, setCredentials] = useState<{ email: string; password: string } | null>(null);
  const [pending, setPending] = useState(false);
  const router = useRouter();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const given = credentials ?? { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") };
    const code = credentials ? String(form.get("code") ?? "").trim() : undefined;
    if (credentials && !code) {
      setCodeError("is required: the 6-digit code from your authenticator app, or a recovery code");
      return;
    }
    setPending(true);
    setError(null);
    setCodeError(null);
    const r = await signIn("credentials", { ...given, ...(code ? { code } : {}), redirect: false });
    if (r?.error) {
      setPending(false);
      if (r.code === "second_factor") setCredentials(given);
      else if (r.code === "second_factor_invalid") setCodeError(CODE_REFUSED);
      else {
        setCredentials(null);
        setError(refusalMessage(r.code, sso));
      }
      return;
    }
    router.replace("/overview");
    router.refresh();
  }

  return (
    <Card className="p-5">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        {expired && !error ? (
          <p className="rounded-md bg-blue-50 px-3 py-2 text-xs text-blue-900">Your session ended. Sign in again.</p>
        ) : null}
        {credentials ? (
          <>
            <p className="text-sm text-muted">
              Signing in as <span className="font-medium text-ink">{credentials.email}</span>. This account uses two-factor authentication.
            </p>
            <Field label="Authentication code" error={codeError ?? undefined} hint="The 6-digit code from your authenticator app, or one of your recovery codes.">
              {(p) => <Input {...p} key="code" name="code" inputMode="numeric" autoComplete="one-time-code" autoFocus required maxLength={64} />}
            </Field>
          </>
        ) : (
          <>
            <Field label="E-mail">{(p) => <Input {...p} name="email" type="email" autoComplete="username" required autoFocus />}</Field>
            <Field label="Password">
              {(p) => <Input {...p} name="password" type="password" autoComplete="current-password" required />}
            </Field>
          </>
        )}
        {error ? (
          <p role="alert" data-testid="login-error" className="rounded-md bg-red-50 px-3 py-2 text-xs text-danger">
            {error}
          </p>
        ) : null}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Signing in…" : credentials ? "Verify" : "Sign in"}
        </Button>
        {sso && !credentials ? (
          <>
            <p className="text-center text-xs text-muted">or</p>
            <Button type="button" variant="secondary" className="w-full" onClick={() => void signIn("oidc", { redirectTo: "/overview" })}>
              Sign in with {sso}
            </Button>
          </>
        ) : null}
        {credentials ? (
          <button type="button" className="w-full text-center text-xs text-muted underline" onClick={() => (setCredentials(null), setCodeError(null))}>
            Use another account
          </button>
        ) : null}
      </form>
    </Card>
  );
}
