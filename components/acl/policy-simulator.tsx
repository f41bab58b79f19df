"use client";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { z } from "zod";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/field";
import { Textarea } from "@/components/ui/textarea";
import { FindingsList } from "./findings-list";
import { api, ApiError } from "@/lib/client/api";
import type { TDecidedBy, TRole } from "@/lib/domain/acl/dynsec";
import { describeDecision, describeRule } from "@/lib/domain/acl/plain-words";
import type { ZLintResult, ZSimulation } from "@/lib/schemas/acl";

const EXAMPLE = {
  roles: [
    {
      rolename: "sensor",
      acls: [
        { acltype: "publishClientSend", topic: "plant/+/telemetry", priority: 5, allow: true },
        { acltype: "publishClientSend", topic: "plant/#", priority: 0, allow: false },
        { acltype: "subscribeLiteral", topic: "plant/commands", allow: true },
      ],
    },
  ],
  groups: [],
  client: { username: "sensor-0001", roles: [{ rolename: "sensor", priority: 1 }] },
  defaultACLAccess: { publishClientSend: false, publishClientReceive: true, subscribe: false, unsubscribe: true },
};

const ACTIONS = ["publish", "receive", "subscribe", "unsubscribe"] as const;

function parsePolicy(text: string): { value: Record<string, unknown> } | { error: string } {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? { value: value as Record<string, unknown> } : { error: "must be a JSON object" };
  } catch (e) {
    return { error: `is not valid JSON: ${(e as Error).message}` };
  }
}

/** Try a policy in the dynamic security plugin's vocabulary before it goes live: the decision and what made it. */
export function PolicySimulator() {
  const [text, setText] = useState(JSON.stringify(EXAMPLE, null, 2));
  const [action, setAction] = useState<(typeof ACTIONS)[number]>("publish");
  const [jsonError, setJsonError] = useState<string | null>(null);
  const check = useMutation({ mutationFn: (body: unknown) => api<z.infer<typeof ZSimulation>>("POST", "/api/v1/acl/simulate", body) });
  const lint = useMutation({ mutationFn: (body: unknown) => api<z.infer<typeof ZLintResult>>("POST", "/api/v1/acl/lint", body) });
  const fields = check.error instanceof ApiError ? check.error.fields : {};
  const policyErrors = Object.entries(fields).filter(([k]) => k !== "topic" && k !== "action");
  const parsed = parsePolicy(text);
  const roles = "value" in parsed && Array.isArray(parsed.value.roles) ? (parsed.value.roles as TRole[]) : [];

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if ("error" in parsed) return setJsonError(parsed.error);
    setJsonError(null);
    check.mutate({ ...parsed.value, action, topic: String(new FormData(e.currentTarget).get("topic") ?? "") });
    lint.mutate(parsed.value);
  }

  return (
    <Card>
      <CardHeader
        title="Policy simulator"
        description="Roles, groups and a client in the broker's own vocabulary (Mosquitto's dynamic security plugin): see whether an action is allowed and exactly which rule or default decides. Its answers are checked against a real broker by a differential test."
      />
      <form onSubmit={onSubmit} className="grid gap-4 p-4 lg:grid-cols-2" noValidate>
        <div className="space-y-2">
          <Field label="Policy (JSON)" error={jsonError ?? undefined}>
            {(p) => <Textarea {...p} value={text} onChange={(e) => setText(e.target.value)} rows={18} className="font-mono text-xs" spellCheck={false} />}
          </Field>
          {policyErrors.length ? (
            <ul role="alert" aria-label="Policy errors" className="space-y-1 text-xs text-danger">
              {policyErrors.map(([k, v]) => <li key={k}><code>{k}</code> {v}</li>)}
            </ul>
          ) : null}
        </div>
        <div className="space-y-4">
          <Field label="Action" error={fields.action}>
            {(p) => (
              <Select {...p} value={action} onChange={(e) => setAction(e.target.value as typeof action)}>
                {ACTIONS.map((a) => <option key={a} value={a}>{a}</option>)}
              </Select>
            )}
          </Field>
          <Field label="Topic or filter" error={fields.topic} hint={action === "subscribe" || action === "unsubscribe" ? "A filter; + and # allowed." : "A topic name, no wildcards."}>
            {(p) => <Input {...p} name="topic" defaultValue="plant/boiler/telemetry" />}
          </Field>
          <Button type="submit" disabled={check.isPending}>Simulate</Button>
          {check.data ? (
            <p role="status" className="flex items-start gap-2 rounded-md border border-line p-3 text-sm">
              <Badge tone={check.data.allowed ? "ok" : "danger"}>{check.data.allowed ? "allowed" : "denied"}</Badge>
              <span>{describeDecision(check.data.allowed, check.data.decidedBy as TDecidedBy)}</span>
            </p>
          ) : check.error && Object.keys(fields).length === 0 ? (
            <p role="alert" className="text-xs text-danger">{check.error.message}</p>
          ) : null}
          {lint.data ? <FindingsList findings={lint.data.findings} label="Policy findings" /> : null}
          {roles.length ? (
            <div className="space-y-2 text-xs">
              <p className="font-medium">In plain words</p>
              {roles.map((r) => (
                <div key={r.rolename}>
                  <p className="text-muted">Role {r.rolename}:</p>
                  <ul className="list-disc pl-5">{(Array.isArray(r.acls) ? r.acls : []).map((a, i) => <li key={i}>{describeRule(a)}</li>)}</ul>
                </div>
              ))}
            </div>
          ) : null}
        </div>
      </form>
    </Card>
  );
}
