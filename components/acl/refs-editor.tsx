"use client";
import { Plus, Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";

export type TDraftRef = { name: string; priority: string };

/**
 * A list of role (or group) names with priorities, as a group or device holds them. `field` names them in the API
 * ("roles" -> roles.<i>.rolename), so the API's reasons show beside the right control.
 */
export function RefsEditor({ kind, refs, options, onChange, errors, disabled }: { kind: "role" | "group"; refs: TDraftRef[]; options: string[]; onChange: (refs: TDraftRef[]) => void; errors: Record<string, string>; disabled: boolean }) {
  const list = `${kind}s`;
  const key = `${kind}name`;
  const set = (i: number, patch: Partial<TDraftRef>) => onChange(refs.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  return (
    <div className="space-y-2">
      {refs.length === 0 ? <p className="text-xs text-muted">No {list}.</p> : null}
      {refs.map((r, i) => (
        <div key={i} className="grid grid-cols-[1fr_6rem_auto] items-start gap-2">
          <Field label={`${kind === "role" ? "Role" : "Group"} ${i + 1}`} error={errors[`${list}.${i}.${key}`]}>
            {(p) => (
              <Select {...p} value={r.name} onChange={(e) => set(i, { name: e.target.value })} disabled={disabled}>
                {[...new Set([r.name, ...options])].map((o) => <option key={o} value={o}>{o || `choose a ${kind}`}</option>)}
              </Select>
            )}
          </Field>
          <Field label="Priority" error={errors[`${list}.${i}.priority`]}>{(p) => <Input {...p} value={r.priority} inputMode="numeric" onChange={(e) => set(i, { priority: e.target.value })} disabled={disabled} />}</Field>
          {disabled ? <span /> : <Button type="button" variant="ghost" size="sm" className="mt-5" aria-label={`Remove ${kind} ${i + 1}`} onClick={() => onChange(refs.filter((_, k) => k !== i))}><Trash2 className="size-4" /></Button>}
        </div>
      ))}
      {errors[list] ? <p role="alert" className="text-xs text-danger">{errors[list]}</p> : null}
      {disabled ? null : <Button type="button" variant="secondary" size="sm" onClick={() => onChange([...refs, { name: options[0] ?? "", priority: "-1" }])}><Plus className="size-4" /> Add {kind}</Button>}
    </div>
  );
}

/** A typed priority as a number, or as typed when it is none (the API then names the field and the reason). */
export const numberOrText = (p: string) => (p.trim() !== "" && Number.isFinite(Number(p)) ? Number(p) : p);
export const roleRefs = (refs: TDraftRef[]) => refs.map((r) => ({ rolename: r.name, priority: numberOrText(r.priority) }));
export const groupRefs = (refs: TDraftRef[]) => refs.map((r) => ({ groupname: r.name, priority: numberOrText(r.priority) }));
