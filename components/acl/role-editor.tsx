"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Plus, Trash2 } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { api, ApiError } from "@/lib/client/api";
import type { TAclType } from "@/lib/domain/acl/dynsec";
import { describeRule } from "@/lib/domain/acl/plain-words";
import { ACL_TYPES, type TRoleDto } from "@/lib/schemas/acl";
import { numberOrText } from "./refs-editor";
import { ReviewAndSave } from "./review-and-save";
import { RoleTry } from "./role-try";

type TDraftRule = { acltype: TAclType; topic: string; priority: string; allow: boolean };

const toBody = (d: { name: string; description: string; forNewDevices: boolean; acls: TDraftRule[] }) => ({ ...d, acls: d.acls.map((a) => ({ ...a, priority: numberOrText(a.priority) })) });

/** One role's rules in the broker's vocabulary, each in plain words beside it; reviewed before it is saved. */
export function RoleEditor({ role, canManage, onSaved }: { role: TRoleDto | null; canManage: boolean; onSaved: (name: string | null) => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(role?.name ?? "");
  const [description, setDescription] = useState(role?.description ?? "");
  const [forNewDevices, setForNewDevices] = useState(role?.forNewDevices ?? false);
  const [acls, setAcls] = useState<TDraftRule[]>(role?.acls.map((a) => ({ ...a, priority: String(a.priority) })) ?? [{ acltype: "publishClientSend", topic: "devices/${clientId}/#", priority: "0", allow: true }]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const draft = { name, description, forNewDevices, acls };
  const remove = useMutation({
    mutationFn: () => api("DELETE", `/api/v1/roles/${encodeURIComponent(role!.name)}`),
    onSuccess: () => (void qc.invalidateQueries({ queryKey: ["acl"] }), onSaved(null)),
  });
  const set = (i: number, patch: Partial<TDraftRule>) => setAcls(acls.map((a, k) => (k === i ? { ...a, ...patch } : a)));
  const listError = Object.entries(errors).find(([k]) => k === "acls" || /^acls\.\d+$/.test(k));

  return (
    <div className="space-y-4 p-4" aria-label="Role editor">
      <div className="grid gap-4 md:grid-cols-2">
        <Field label="Name" error={errors.name}>{(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} disabled={!canManage} placeholder="sensor" />}</Field>
        <Field label="Description" error={errors.description}>{(p) => <Input {...p} value={description} onChange={(e) => setDescription(e.target.value)} disabled={!canManage} />}</Field>
      </div>
      <label className="flex items-center gap-2 text-xs">
        <input type="checkbox" checked={forNewDevices} onChange={(e) => setForNewDevices(e.target.checked)} disabled={!canManage} />
        Give this role to new devices that name no role or group
      </label>
      <div className="space-y-2">
        <p className="text-xs font-medium">Rules <span className="font-normal text-muted">(topics may use {"${clientId}"} and {"${username}"}, filled in per device when pushed)</span></p>
        <ol className="space-y-3">
          {acls.map((a, i) => (
            <li key={i} className="grid items-start gap-2 rounded-md border border-line p-2 md:grid-cols-[13.5rem_1fr_6.5rem_6rem_auto]" aria-label={`Rule ${i + 1}`}>
              <Field label={`Type (rule ${i + 1})`} error={errors[`acls.${i}.acltype`]}>
                {(p) => <Select {...p} value={a.acltype} onChange={(e) => set(i, { acltype: e.target.value as TAclType })} disabled={!canManage}>{ACL_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}</Select>}
              </Field>
              <Field label="Topic" error={errors[`acls.${i}.topic`]}>{(p) => <Input {...p} value={a.topic} onChange={(e) => set(i, { topic: e.target.value })} disabled={!canManage} className="font-mono text-xs" />}</Field>
              <Field label="Access" error={errors[`acls.${i}.allow`]}>
                {(p) => <Select {...p} value={a.allow ? "allow" : "deny"} onChange={(e) => set(i, { allow: e.target.value === "allow" })} disabled={!canManage}><option value="allow">allow</option><option value="deny">deny</option></Select>}
              </Field>
              <Field label="Priority" error={errors[`acls.${i}.priority`]}>{(p) => <Input {...p} value={a.priority} inputMode="numeric" onChange={(e) => set(i, { priority: e.target.value })} disabled={!canManage} />}</Field>
              {canManage ? <Button type="button" variant="ghost" size="sm" className="mt-5" aria-label={`Remove rule ${i + 1}`} onClick={() => setAcls(acls.filter((_, k) => k !== i))}><Trash2 className="size-4" /></Button> : <span />}
              <p className="text-xs text-muted md:col-span-5">A device with this role {describeRule({ ...a, topic: a.topic || "…", priority: Number(a.priority) || 0 })}.</p>
            </li>
          ))}
        </ol>
        {listError ? <p role="alert" className="text-xs text-danger">Rules: {listError[1]}</p> : null}
        {canManage ? <Button type="button" variant="secondary" size="sm" onClick={() => setAcls([...acls, { acltype: "publishClientSend", topic: "", priority: "0", allow: true }])}><Plus className="size-4" /> Add rule</Button> : null}
      </div>
      <RoleTry name={name} acls={toBody(draft).acls as Parameters<typeof RoleTry>[0]["acls"]} />
      {canManage ? (
        <div className="flex flex-wrap items-start justify-between gap-4 border-t border-line pt-4">
          <ReviewAndSave
            prefix="role."
            preview={() => ({ kind: "role", role: toBody(draft), ...(role ? { previousName: role.name } : {}) })}
            save={() => (role ? api<{ revision: string | null }>("PUT", `/api/v1/roles/${encodeURIComponent(role.name)}`, toBody(draft)) : api<{ revision: string | null }>("POST", "/api/v1/roles", toBody(draft)))}
            onErrors={setErrors}
            onSaved={() => onSaved(name)}
          />
          {role ? (
            <div className="space-y-1 text-right">
              <Button type="button" variant="danger" size="sm" onClick={() => window.confirm(`Delete role ${role.name}?`) && remove.mutate()}>Delete role</Button>
              {remove.error ? <p role="alert" className="max-w-sm text-xs text-danger">{remove.error instanceof ApiError ? remove.error.message : "Could not delete."}</p> : null}
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
