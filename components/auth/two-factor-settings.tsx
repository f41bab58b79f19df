"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ShieldCheck } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { api, ApiError } from "@/lib/client/api";

type TStatus = { enabled: boolean; enabledAt: string | null; recoveryCodesLeft: number; required: boolean; enrolmentRequired: boolean };
type TEnrolment = { secret: string; otpauthUri: string; qrSvg: string };
type TCodes = { recoveryCodes: string[] };

const KEY = ["two-factor"];
const fieldError = (e: unknown, field: string) => (e instanceof ApiError ? (e.fields[field] ?? (Object.keys(e.fields).length ? undefined : e.message)) : undefined);

/** One code field and a button: the proof several actions ask for. */
function CodeForm({ label, submit, pending, error, onSubmit, variant }: { label: string; submit: string; pending: boolean; error?: string; onSubmit: (code: string) => void; variant?: "secondary" | "danger" }) {
  function handle(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    onSubmit(String(new FormData(e.currentTarget).get("code") ?? ""));
  }
  return (
    <form onSubmit={handle} className="flex items-start gap-2" noValidate aria-label={submit}>
      <div className="w-56">
        <Field label={label} error={error}>{(p) => <Input {...p} name="code" autoComplete="one-time-code" inputMode="numeric" maxLength={64} />}</Field>
      </div>
      <Button type="submit" variant={variant} className="mt-5" disabled={pending}>{pending ? "Checking…" : submit}</Button>
    </form>
  );
}

/** Enrolment asks for the password again. */
function PasswordForm({ pending, error, onSubmit }: { pending: boolean; error?: string; onSubmit: (password: string) => void }) {
  function handle(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    onSubmit(String(new FormData(e.currentTarget).get("password") ?? ""));
  }
  return (
    <form onSubmit={handle} className="flex items-start gap-2" noValidate aria-label="Password check">
      <div className="w-64">
        <Field label="Your password" error={error} hint="Asked again before a new authenticator is tied to your account.">
          {(p) => <Input {...p} name="password" type="password" autoComplete="current-password" autoFocus />}
        </Field>
      </div>
      <Button type="submit" className="mt-5" disabled={pending}>{pending ? "Checking…" : "Continue"}</Button>
    </form>
  );
}

/** The recovery codes, shown once, with a download. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const file = `data:text/plain;charset=utf-8,${encodeURIComponent(`Fleetward recovery codes (each works once)\n\n${codes.join("\n")}\n`)}`;
  return (
    <div className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-3">
      <p className="text-xs font-medium text-amber-900">
        Recovery codes: each signs you in once if you lose your authenticator. Save them now, they will not be shown again.
      </p>
      <ol data-testid="recovery-codes" className="grid grid-cols-2 gap-x-6 gap-y-1 font-mono text-sm">
        {codes.map((c) => <li key={c}>{c}</li>)}
      </ol>
      <div className="flex gap-2">
        <Button asChild variant="secondary" size="sm"><a href={file} download="fleetward-recovery-codes.txt">Download</a></Button>
        <Button size="sm" onClick={onDone}>I have saved them</Button>
      </div>
    </div>
  );
}

/** The signed-in user's second factor: enrol an authenticator app, recovery codes, turn off. */
export function TwoFactorSettings() {
  const qc = useQueryClient();
  const router = useRouter();
  const status = useQuery({ queryKey: KEY, queryFn: () => api<TStatus>("GET", "/api/v1/session/two-factor") });
  const [codes, setCodes] = useState<string[] | null>(null);
  const done = () => qc.invalidateQueries({ queryKey: KEY });

  const [asking, setAsking] = useState(false);
  const start = useMutation({ mutationFn: (password: string) => api<TEnrolment>("POST", "/api/v1/session/two-factor/enrolment", { password }) });
  const confirm = useMutation({
    mutationFn: (code: string) => api<TCodes>("POST", "/api/v1/session/two-factor/enrolment/confirm", { code }),
    onSuccess: (r) => (setCodes(r.recoveryCodes), start.reset(), setAsking(false), done()),
  });
  const regenerate = useMutation({
    mutationFn: (code: string) => api<TCodes>("POST", "/api/v1/session/two-factor/recovery-codes", { code }),
    onSuccess: (r) => (setCodes(r.recoveryCodes), done()),
  });
  const disable = useMutation({ mutationFn: (code: string) => api("POST", "/api/v1/session/two-factor/disable", { code }), onSuccess: done });

  const s = status.data;
  if (!s) return null;
  const enrolment = start.data;

  return (
    <Card className="max-w-xl">
      <CardHeader
        title="Two-factor authentication"
        description="A code from an authenticator app (TOTP) at every sign-in, after the password."
        actions={s.enabled ? <Badge tone="ok" className="gap-1"><ShieldCheck className="size-3" /> On</Badge> : <Badge tone={s.required ? "danger" : "neutral"}>Off</Badge>}
      />
      <div className="space-y-4 px-4 py-3 text-sm">
        {s.enrolmentRequired ? (
          <p role="alert" data-testid="two-factor-required" className="rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900">
            The security policy requires two-factor authentication for admins. Turn it on to use the rest of Fleetward.
          </p>
        ) : null}
        {codes ? <RecoveryCodes codes={codes} onDone={() => (setCodes(null), router.refresh())} /> : null}

        {!s.enabled && !enrolment ? (
          <div className="space-y-2">
            <p className="text-muted">Off: your password alone signs you in.</p>
            {asking ? (
              <PasswordForm pending={start.isPending} error={fieldError(start.error, "password")} onSubmit={(p) => start.mutate(p)} />
            ) : (
              <Button onClick={() => setAsking(true)}>Turn on two-factor authentication</Button>
            )}
          </div>
        ) : null}

        {!s.enabled && enrolment ? (
          <div className="space-y-3">
            <p>1. Scan this code with an authenticator app (or type the key into it).</p>
            <div className="flex items-center gap-4">
              {/* eslint-disable-next-line @next/next/no-img-element -- an inline SVG made by the server, not a remote image */}
              <img src={`data:image/svg+xml;utf8,${encodeURIComponent(enrolment.qrSvg)}`} alt="QR code of the authenticator key" className="size-40 rounded border border-line bg-white" />
              <div className="min-w-0 space-y-1">
                <p className="text-xs text-muted">Key (shown only now)</p>
                <code data-testid="totp-secret" className="block break-all rounded bg-gray-50 px-2 py-1 font-mono text-xs">{enrolment.secret.match(/.{1,4}/g)!.join(" ")}</code>
              </div>
            </div>
            <p>2. Type the code the app shows to confirm.</p>
            <CodeForm label="Code from the app" submit="Confirm" pending={confirm.isPending} error={fieldError(confirm.error, "code")} onSubmit={(c) => confirm.mutate(c)} />
          </div>
        ) : null}

        {s.enabled ? (
          <div className="space-y-4">
            <p className="text-muted">
              On since {new Date(s.enabledAt!).toLocaleString("en-GB")}. <span data-testid="recovery-left">{s.recoveryCodesLeft}</span> unused recovery code{s.recoveryCodesLeft === 1 ? "" : "s"}.
            </p>
            <CodeForm label="Current code" submit="New recovery codes" variant="secondary" pending={regenerate.isPending} error={fieldError(regenerate.error, "code")} onSubmit={(c) => regenerate.mutate(c)} />
            {s.required ? (
              <p className="text-xs text-muted">The security policy requires it for your role: it cannot be turned off.</p>
            ) : (
              <CodeForm label="Current or recovery code" submit="Turn off" variant="danger" pending={disable.isPending} error={fieldError(disable.error, "code")} onSubmit={(c) => disable.mutate(c)} />
            )}
          </div>
        ) : null}
      </div>
    </Card>
  );
}
