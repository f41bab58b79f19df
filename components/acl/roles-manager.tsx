"use client";
import { useQuery } from "@tanstack/react-query";
import { Plus, ShieldCheck } from "lucide-react";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { api } from "@/lib/client/api";
import type { TRoleDto } from "@/lib/schemas/acl";
import { PickList, plural } from "./pick-list";
import { RoleEditor } from "./role-editor";

/** The fleet's roles: a list to pick from and the editor of the one picked. */
export function RolesManager({ canManage }: { canManage: boolean }) {
  const roles = useQuery({ queryKey: ["acl", "roles"], queryFn: () => api<{ items: TRoleDto[] }>("GET", "/api/v1/roles") });
  const [selected, setSelected] = useState<string | null>(null);
  const items = roles.data?.items ?? [];
  const current = selected === "" ? null : (items.find((r) => r.name === selected) ?? items[0] ?? null);
  const editing = selected === "" || current !== null;
  return (
    <Card>
      <CardHeader
        title="Roles"
        description="Topic rules in the broker's own vocabulary. Devices hold roles directly or through groups; the higher priority is tried first."
        actions={canManage ? <Button size="sm" onClick={() => setSelected("")}><Plus className="size-4" /> New role</Button> : null}
      />
      {roles.isError ? <p role="alert" className="p-4 text-danger">{roles.error.message}</p> : null}
      {roles.isSuccess && items.length === 0 && selected !== "" ? <EmptyState icon={ShieldCheck} title="No roles yet">Create a role, e.g. devices/{"${clientId}"}/# for each device&apos;s own topics.</EmptyState> : null}
      <div className="grid md:grid-cols-[16rem_1fr]">
        <PickList
          label="Roles"
          items={items}
          picked={selected === "" ? null : (current?.name ?? null)}
          onPick={setSelected}
          title={(r) => <><span className="font-medium">{r.name}</span> {r.forNewDevices ? <Badge tone="info">new devices</Badge> : null}</>}
          detail={(r) => `${plural(r.acls.length, "rule")} · ${plural(r.deviceCount, "device")} directly${r.groups.length ? ` · via ${r.groups.length === 1 ? "group" : "groups"} ${r.groups.join(", ")}` : ""}`}
        />
        {editing ? <RoleEditor key={selected === "" ? "new" : current?.id} role={selected === "" ? null : current} canManage={canManage} onSaved={(name) => setSelected(name)} /> : null}
      </div>
    </Card>
  );
}
