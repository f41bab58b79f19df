"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { api } from "@/lib/client/api";
import type { TDefaultAccess } from "@/lib/domain/acl/dynsec";
import { ReviewAndSave } from "./review-and-save";

const SETTINGS: [keyof TDefaultAccess, string][] = [
  ["publishClientSend", "publish"],
  ["publishClientReceive", "receive messages"],
  ["subscribe", "subscribe"],
  ["unsubscribe", "unsubscribe"],
];

function Editor({ initial, canManage }: { initial: TDefaultAccess; canManage: boolean }) {
  const [value, setValue] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  return (
    <div className="space-y-3 p-4">
      <ul className="space-y-2 text-sm">
        {SETTINGS.map(([key, verb]) => (
          <li key={key}>
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={value[key]} onChange={(e) => setValue({ ...value, [key]: e.target.checked })} disabled={!canManage} />
              <span><code className="text-xs">{key}</code>: where no rule decides, a device {value[key] ? "may" : "may not"} {verb}</span>
            </label>
            {errors[key] ? <p role="alert" className="text-xs text-danger">{errors[key]}</p> : null}
          </li>
        ))}
      </ul>
      {canManage ? <ReviewAndSave prefix="defaultACLAccess." preview={() => ({ kind: "defaults", defaultACLAccess: value })} save={() => api("PUT", "/api/v1/acl/defaults", value)} onErrors={setErrors} /> : null}
    </div>
  );
}

/** The fleet's default access (the plugin's defaultACLAccess): what a device may do where none of its rules decides. */
export function DefaultAccess({ canManage }: { canManage: boolean }) {
  const defaults = useQuery({ queryKey: ["acl", "defaults"], queryFn: () => api<TDefaultAccess>("GET", "/api/v1/acl/defaults") });
  return (
    <Card>
      <CardHeader title="Default access" description="Least privilege: leave publish and subscribe denied and allow what each role needs." />
      {defaults.isError ? <p role="alert" className="p-4 text-danger">{defaults.error.message}</p> : null}
      {defaults.data ? <Editor key={JSON.stringify(defaults.data)} initial={defaults.data} canManage={canManage} /> : null}
    </Card>
  );
}
