"use client";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, Input, Select } from "@/components/ui/field";
import { api, ApiError } from "@/lib/client/api";
import type { z } from "zod";
import type { TDecidedBy } from "@/lib/domain/acl/dynsec";
import { describeDecision } from "@/lib/domain/acl/plain-words";
import type { ZSimulation } from "@/lib/schemas/acl";

type TSimulation = z.infer<typeof ZSimulation>;

const ACTIONS = [
  { value: "publish", label: "Publish" },
  { value: "receive", label: "Receive a message" },
  { value: "subscribe", label: "Subscribe" },
  { value: "unsubscribe", label: "Unsubscribe" },
] as const;

function explain(r: TSimulation): string {
  const d = r.decidedBy as Record<string, unknown>;
  if (d.kind === "rule" && typeof d.text === "string") return `${r.allowed ? "Allowed" : "Denied"} by acl_file line ${String(d.line)}: ${d.text}`;
  if (typeof d.reason === "string") return `${r.allowed ? "Allowed" : "Denied"}: ${d.reason}`;
  return r.allowed ? "Allowed" : "Denied";
}

/** "May this device …?": what the fleet's brokers enforce for it now, and the rule that decides. */
export function AccessCheck({ deviceId, clientId }: { deviceId: string; clientId: string }) {
  const [action, setAction] = useState<(typeof ACTIONS)[number]["value"]>("publish");
  const check = useMutation({ mutationFn: (body: unknown) => api<TSimulation>("POST", "/api/v1/acl/simulate", body) });
  const fields = check.error instanceof ApiError ? check.error.fields : {};
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    check.mutate({ deviceId, action, topic: String(new FormData(e.currentTarget).get("topic") ?? "") });
  }
  return (
    <Card>
      <CardHeader title="Check access" description="What the brokers enforce for this device now, and the rule that decides (modelled on Mosquitto 2.0's acl_file, tested against a real broker)." />
      <form onSubmit={onSubmit} className="flex flex-wrap items-start gap-3 p-4" noValidate>
        <Field label="Action" error={fields.action}>
          {(p) => (
            <Select {...p} value={action} onChange={(e) => setAction(e.target.value as typeof action)} className="w-56">
              {ACTIONS.map((a) => <option key={a.value} value={a.value}>{a.label}</option>)}
            </Select>
          )}
        </Field>
        <div className="min-w-64 flex-1">
          <Field label="Topic" error={fields.topic} hint={action === "subscribe" || action === "unsubscribe" ? "A filter; + and # allowed." : "A topic name, no wildcards."}>
            {(p) => <Input {...p} name="topic" defaultValue={`devices/${clientId}/telemetry`} />}
          </Field>
        </div>
        <Button type="submit" className="mt-5" disabled={check.isPending}>Check</Button>
      </form>
      {check.data ? (
        <p role="status" className="flex items-center gap-2 border-t border-line px-4 py-3 text-sm">
          <Badge tone={check.data.allowed ? "ok" : "danger"}>{check.data.allowed ? "allowed" : "denied"}</Badge>
          <span>
            {explain(check.data)}
            {check.data.roles ? (
              <span className="block text-xs text-muted">
                Its roles: {describeDecision(check.data.roles.allowed, check.data.roles.decidedBy as TDecidedBy)}
                {check.data.roles.allowed !== check.data.allowed ? " The brokers decide otherwise: see the findings on the Roles & ACLs page." : ""}
              </span>
            ) : null}
          </span>
        </p>
      ) : check.error && Object.keys(fields).length === 0 ? (
        <p role="alert" className="border-t border-line px-4 py-3 text-xs text-danger">{check.error.message}</p>
      ) : null}
    </Card>
  );
}
