"use client";
import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { RoleSelect } from "@/components/ui/role-select";
import { api, ApiError } from "@/lib/client/api";
import type { TUser } from "@/lib/schemas/user";

type TCreated = { user: TUser; password: string };

export function CreateUserForm({ onCreated }: { onCreated: (r: TCreated) => void }) {
  const create = useMutation({
    mutationFn: (body: Record<string, string>) => api<TCreated>("POST", "/api/v1/users", body),
    onSuccess: onCreated,
  });
  const fields = create.error instanceof ApiError ? create.error.fields : {};

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const name = String(f.get("name") ?? "").trim();
    create.mutate({ email: String(f.get("email") ?? ""), role: String(f.get("role")), ...(name ? { name } : {}) });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate>
      <Field label="E-mail" error={fields.email}>{(p) => <Input {...p} name="email" type="email" required autoFocus />}</Field>
      <Field label="Name (optional)" error={fields.name}>{(p) => <Input {...p} name="name" />}</Field>
      <Field label="Role" error={fields.role}>{(p) => <RoleSelect {...p} name="role" defaultValue="OPERATOR" />}</Field>
      {create.error && Object.keys(fields).length === 0 ? <p role="alert" className="text-xs text-danger">{create.error.message}</p> : null}
      <div className="flex justify-end">
        <Button type="submit" disabled={create.isPending}>{create.isPending ? "Creating…" : "Create user"}</Button>
      </div>
    </form>
  );
}
