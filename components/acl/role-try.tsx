"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { z } from "zod";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { api, ApiError } from "@/lib/client/api";
import type { TDecidedBy, TDefaultAccess, TRule } from "@/lib/domain/acl/dynsec";
import { describeDecision } from "@/lib/domain/acl/plain-words";
import { expandTemplate } from "@/lib/domain/acl/templates";
import type { ZSimulation } from "@/lib/schemas/acl";

const ACTIONS = ["publish", "receive", "subscribe", "unsubscribe"] as const;

/**
 * Tries the role being edited, before it is saved: for a device with this client id holding only this role and the
 * fleet's default access, as the plugin decides (templates filled in for that device).
 */
export function RoleTry({ name, acls }: { name: string; acls: (Omit<TRule, "priority"> & { priority: number | string })[] }) {
  const defaults = useQuery({ queryKey: ["acl", "defaults"], queryFn: () => api<TDefaultAccess>("GET", "/api/v1/acl/defaults") });
  const [action, setAction] = useState<(typeof ACTIONS)[number]>("publish");
  const check = useMutation({ mutationFn: (body: unknown) => api<z.infer<typeof ZSimulation>>("POST", "/api/v1/acl/simulate", body) });
  const fields = check.error instanceof ApiError ? check.error.fields : {};
  const ruleErrors = Object.keys(fields).filter((k) => k.startsWith("roles."));
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const clientId = String(f.get("clientId") ?? "");
    const rolename = name || "this-role";
    check.mutate({
      roles: [{ rolename, acls: acls.map((a) => ({ ...a, topic: expandTemplate(a.topic, { clientId, username: clientId }) })) }],
      client: { username: clientId || "device", clientid: clientId, roles: [{ rolename }] },
      ...(defaults.data ? { defaultACLAccess: defaults.data } : {}),
      action,
      topic: String(f.get("topic") ?? ""),
    });
  }
  return (
    <form onSubmit={onSubmit} className="space-y-2 rounded-md border border-dashed border-line p-3" aria-label="Try this role" noValidate>
      <p className="text-xs font-medium">Try this role before saving <span className="font-normal text-muted">(a device holding only this role, the fleet&apos;s default access, as the plugin decides)</span></p>
      <div className="grid items-start gap-2 md:grid-cols-[12rem_10rem_1fr_auto]">
        <Field label="As client id" error={fields["client.username"]}>{(p) => <Input {...p} name="clientId" defaultValue="sensor-0001" />}</Field>
        <Field label="Action">
          {(p) => <Select {...p} value={action} onChange={(e) => setAction(e.target.value as typeof action)}>{ACTIONS.map((a) => <option key={a} value={a}>{a}</option>)}</Select>}
        </Field>
        <Field label="Topic to try" error={fields.topic}>{(p) => <Input {...p} name="topic" defaultValue="plant/sensor-0001/telemetry" className="font-mono text-xs" />}</Field>
        <Button type="submit" variant="secondary" className="mt-5" disabled={check.isPending}>Try</Button>
      </div>
      {check.data ? (
        <p role="status" className="flex items-start gap-2 text-sm">
          <Badge tone={check.data.allowed ? "ok" : "danger"}>{check.data.allowed ? "allowed" : "denied"}</Badge>
          <span>{describeDecision(check.data.allowed, check.data.decidedBy as TDecidedBy)}</span>
        </p>
      ) : ruleErrors.length ? (
        <p role="alert" className="text-xs text-danger">Fix the rules first: {ruleErrors.map((k) => `rule ${Number(k.split(".")[3] ?? 0) + 1} ${fields[k]}`).join("; ")}</p>
      ) : check.error && Object.keys(fields).length === 0 ? (
        <p role="alert" className="text-xs text-danger">{check.error.message}</p>
      ) : null}
    </form>
  );
}
