"use client";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";

function refusalMessage(code: string | undefined): string {
  const locked = /^locked:(\d+)$/.exec(code ?? "");
  if (locked) {
    return `Too many failed sign-ins for this account or network. Sign-in is refused for ${locked[1]} more minute${locked[1] === "1" ? "" : "s"}.`;
  }
  return "Wrong e-mail or password, or the account is disabled.";
}

export function LoginForm({ expired }: { expired: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const router = useRouter();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const r = await signIn("credentials", { email: form.get("email"), password: form.get("password"), redirect: false });
    if (r?.error) {
      setPending(false);
      setError(refusalMessage(r.code));
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
        <Field label="E-mail">{(p) => <Input {...p} name="email" type="email" autoComplete="username" required autoFocus />}</Field>
        <Field label="Password">
          {(p) => <Input {...p} name="password" type="password" autoComplete="current-password" required />}
        </Field>
        {error ? (
          <p role="alert" data-testid="login-error" className="rounded-md bg-red-50 px-3 py-2 text-xs text-danger">
            {error}
          </p>
        ) : null}
        <Button type="submit" className="w-full" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </Card>
  );
}
