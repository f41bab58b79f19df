"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { api } from "@/lib/client/api";
import type { TGroupDto, TRoleDto } from "@/lib/schemas/acl";
import { groupRefs, RefsEditor, roleRefs, type TDraftRef } from "./refs-editor";
import { ReviewAndSave } from "./review-and-save";

type TAccess = { roles: { rolename: string; priority: number }[]; groups: { groupname: string; priority: number }[] };

/** A device's roles and groups with their priorities; reviewed, then pushed to every broker. */
export function DeviceAccess({ deviceId, access, canManage }: { deviceId: string; access: TAccess; canManage: boolean }) {
  const roles = useQuery({ queryKey: ["acl", "roles"], queryFn: () => api<{ items: TRoleDto[] }>("GET", "/api/v1/roles") });
  const groups = useQuery({ queryKey: ["acl", "groups"], queryFn: () => api<{ items: TGroupDto[] }>("GET", "/api/v1/groups") });
  const [roleDraft, setRoleDraft] = useState<TDraftRef[]>(access.roles.map((r) => ({ name: r.rolename, priority: String(r.priority) })));
  const [groupDraft, setGroupDraft] = useState<TDraftRef[]>(access.groups.map((g) => ({ name: g.groupname, priority: String(g.priority) })));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const body = () => ({ roles: roleRefs(roleDraft), groups: groupRefs(groupDraft) });
  return (
    <Card>
      <CardHeader title="Roles and groups" description="What this device may publish, subscribe to and receive: its own roles first (higher priority first), then its groups' roles." />
      <div className="grid gap-6 p-4 md:grid-cols-2">
        <div className="space-y-2">
          <p className="text-xs font-medium">Roles</p>
          <RefsEditor kind="role" refs={roleDraft} options={(roles.data?.items ?? []).map((r) => r.name)} onChange={setRoleDraft} errors={errors} disabled={!canManage} />
        </div>
        <div className="space-y-2">
          <p className="text-xs font-medium">Groups</p>
          <RefsEditor kind="group" refs={groupDraft} options={(groups.data?.items ?? []).map((g) => g.name)} onChange={setGroupDraft} errors={errors} disabled={!canManage} />
        </div>
      </div>
      {canManage ? (
        <div className="border-t border-line p-4">
          <ReviewAndSave prefix="access." preview={() => ({ kind: "device", deviceId, access: body() })} save={() => api<{ revision: string }>("PATCH", `/api/v1/devices/${deviceId}`, body())} onErrors={setErrors} />
        </div>
      ) : null}
    </Card>
  );
}
