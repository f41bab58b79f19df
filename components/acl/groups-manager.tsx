"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { api } from "@/lib/client/api";
import type { TGroupDto, TRoleDto } from "@/lib/schemas/acl";
import { PickList, plural } from "./pick-list";
import { RefsEditor, roleRefs, type TDraftRef } from "./refs-editor";
import { ReviewAndSave } from "./review-and-save";

function GroupEditor({ group, roles, canManage, onSaved }: { group: TGroupDto | null; roles: string[]; canManage: boolean; onSaved: (name: string | null) => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(group?.name ?? "");
  const [description, setDescription] = useState(group?.description ?? "");
  const [refs, setRefs] = useState<TDraftRef[]>(group?.roles.map((r) => ({ name: r.rolename, priority: String(r.priority) })) ?? []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const body = () => ({ name, description, roles: roleRefs(refs) });
  const remove = useMutation({ mutationFn: () => api("DELETE", `/api/v1/groups/${encodeURIComponent(group!.name)}`), onSuccess: () => (void qc.invalidateQueries({ queryKey: ["acl"] }), onSaved(null)) });
  return (
    <div className="space-y-3 p-4" aria-label="Group editor">
      <div className="grid gap-3 md:grid-cols-2">
        <Field label="Group name" error={errors.name}>{(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} disabled={!canManage} placeholder="boilers" />}</Field>
        <Field label="Description" error={errors.description}>{(p) => <Input {...p} value={description} onChange={(e) => setDescription(e.target.value)} disabled={!canManage} />}</Field>
      </div>
      <p className="text-xs font-medium">Roles it gives its devices</p>
      <RefsEditor kind="role" refs={refs} options={roles} onChange={setRefs} errors={errors} disabled={!canManage} />
      {canManage ? (
        <div className="flex items-start justify-between gap-4 border-t border-line pt-3">
          <ReviewAndSave
            prefix="group."
            preview={() => ({ kind: "group", group: body(), ...(group ? { previousName: group.name } : {}) })}
            save={() => (group ? api("PUT", `/api/v1/groups/${encodeURIComponent(group.name)}`, body()) : api("POST", "/api/v1/groups", body()))}
            onErrors={setErrors}
            onSaved={() => onSaved(name)}
          />
          {group ? (
            <div className="space-y-1 text-right">
              <Button type="button" variant="danger" size="sm" onClick={() => window.confirm(`Delete group ${group.name}?`) && remove.mutate()}>Delete group</Button>
              {remove.error ? <p role="alert" className="max-w-sm text-xs text-danger">{remove.error.message}</p> : null}
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

/** Groups of devices and the roles they carry. Devices join a group on their own page. */
export function GroupsManager({ canManage }: { canManage: boolean }) {
  const groups = useQuery({ queryKey: ["acl", "groups"], queryFn: () => api<{ items: TGroupDto[] }>("GET", "/api/v1/groups") });
  const roles = useQuery({ queryKey: ["acl", "roles"], queryFn: () => api<{ items: TRoleDto[] }>("GET", "/api/v1/roles") });
  const [selected, setSelected] = useState<string | null>(null);
  const items = groups.data?.items ?? [];
  const current = selected === "" ? null : (items.find((g) => g.name === selected) ?? items[0] ?? null);
  return (
    <Card>
      <CardHeader title="Groups" description="Devices in a group get its roles, tried after the device's own roles." actions={canManage ? <Button size="sm" onClick={() => setSelected("")}><Plus className="size-4" /> New group</Button> : null} />
      {groups.isSuccess && items.length === 0 && selected !== "" ? <p className="p-4 text-sm text-muted">No groups yet.</p> : null}
      <div className="grid md:grid-cols-[12rem_1fr]">
        <PickList label="Groups" items={items} picked={selected === "" ? null : (current?.name ?? null)} onPick={setSelected} detail={(g) => `${plural(g.roles.length, "role")} · ${plural(g.deviceCount, "device")}`} />
        {selected === "" || current ? <GroupEditor key={selected === "" ? "new" : current?.id} group={selected === "" ? null : current} roles={(roles.data?.items ?? []).map((r) => r.name)} canManage={canManage} onSaved={setSelected} /> : null}
      </div>
    </Card>
  );
}
