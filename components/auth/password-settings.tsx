"use client";
import { useMutation } from "@tanstack/react-query";
import { CheckCircle2 } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { api, ApiError } from "@/lib/client/api";
import { PASSWORD_MIN_LENGTH } from "@/lib/domain/password-policy";
import { ZPasswordChange, type TPasswordChange } from "@/lib/schemas/user";

type TChanged = { changed: boolean; sessionsEnded: number };
type TErrors = Partial<Record<"currentPassword" | "newPassword" | "repeat" | "form", string>>;

/** The same schema as the API's, so the form says what the server would. */
function checkInput(f: FormData): { input: TPasswordChange } | { errors: TErrors } {
  const raw = { currentPassword: String(f.get("currentPassword") ?? ""), newPassword: String(f.get("newPassword") ?? "") };
  const parsed = ZPasswordChange.safeParse(raw);
  const errors: TErrors = {};
  for (const issue of parsed.error?.issues ?? []) errors[issue.path[0] as "currentPassword" | "newPassword"] ??= issue.message;
  if (!errors.newPassword && raw.newPassword !== String(f.get("repeat") ?? "")) errors.repeat = "does not match the new password";
  return parsed.success && !errors.repeat ? { input: parsed.data } : { errors };
}

function fromServer(e: unknown): TErrors {
  if (!(e instanceof ApiError)) return { form: "The password could not be changed: try again." };
  const { currentPassword, newPassword } = e.fields;
  return currentPassword || newPassword ? { currentPassword, newPassword } : { form: e.message };
}

/**
 * Settings -> Account: the signed-in user changes their own password. A single sign-on user has none here and is
 * told where to change it.
 */
export function PasswordSettings({ local, provider }: { local: boolean; provider: string | null }) {
  const [errors, setErrors] = useState<TErrors>({});
  const save = useMutation({
    mutationFn: (input: TPasswordChange) => api<TChanged>("POST", "/api/v1/session/password", input),
    onError: (e) => setErrors(fromServer(e)),
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const checked = checkInput(new FormData(form));
    save.reset();
    if ("errors" in checked) return setErrors(checked.errors);
    setErrors({});
    save.mutate(checked.input, { onSuccess: () => form.reset() });
  }

  if (!local) {
    return (
      <Card className="max-w-xl">
        <CardHeader title="Password" />
        <p className="px-4 py-3 text-sm text-muted" data-testid="password-sso">
          You sign in with {provider ?? "single sign-on"}: your password is kept by your identity provider, not by Fleetward,
          so it is changed there.
        </p>
      </Card>
    );
  }
  const ended = save.data?.sessionsEnded ?? 0;
  return (
    <Card className="max-w-xl">
      <CardHeader title="Password" description="Your current password proves it is you. Your other sessions are signed out; this one stays." />
      <form onSubmit={onSubmit} noValidate aria-label="Change password" className="space-y-3 px-4 py-3">
        <div className="w-72 space-y-3">
          <Field label="Current password" error={errors.currentPassword}>
            {(p) => <Input {...p} name="currentPassword" type="password" autoComplete="current-password" />}
          </Field>
          <Field label="New password" error={errors.newPassword} hint={`At least ${PASSWORD_MIN_LENGTH} characters: a few words you will remember make a good one.`}>
            {(p) => <Input {...p} name="newPassword" type="password" autoComplete="new-password" />}
          </Field>
          <Field label="New password again" error={errors.repeat}>
            {(p) => <Input {...p} name="repeat" type="password" autoComplete="new-password" />}
          </Field>
        </div>
        {errors.form ? <p role="alert" className="text-xs text-danger">{errors.form}</p> : null}
        {save.isSuccess ? (
          <p role="status" data-testid="password-changed" className="flex items-center gap-2 text-xs text-ok">
            <CheckCircle2 className="size-4" />
            Password changed. {ended ? `${ended} other session${ended === 1 ? " was" : "s were"} signed out.` : "You had no other sessions."}
          </p>
        ) : null}
        <Button type="submit" disabled={save.isPending}>{save.isPending ? "Changing…" : "Change password"}</Button>
      </form>
    </Card>
  );
}
