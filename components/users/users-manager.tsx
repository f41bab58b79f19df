"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { UserPlus, Users } from "lucide-react";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { RoleSelect } from "@/components/ui/role-select";
import { SecretOnce } from "@/components/ui/secret-once";
import { Table, Td, Th } from "@/components/ui/table";
import { api } from "@/lib/client/api";
import type { TRole } from "@/lib/domain/permissions";
import type { TUser } from "@/lib/schemas/user";
import { CreateUserForm } from "./create-user-form";
import { SsoSettings } from "./sso-settings";

type TSecret = { title: string; email: string; password: string };

export function UsersManager({ currentUserId }: { currentUserId: string }) {
  const qc = useQueryClient();
  const users = useQuery({ queryKey: ["users"], queryFn: () => api<{ items: TUser[] }>("GET", "/api/v1/users?limit=500") });
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<TSecret | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const done = () => qc.invalidateQueries({ queryKey: ["users"] });
  const update = useMutation({
    mutationFn: ({ id, ...body }: { id: string; role?: TRole; disabled?: boolean }) => api<TUser>("PATCH", `/api/v1/users/${id}`, body),
    onSuccess: () => (setRowError(null), done()),
    onError: (e) => setRowError(e.message),
  });
  const reset = useMutation({
    mutationFn: (u: TUser) => api<{ user: TUser; password: string }>("POST", `/api/v1/users/${u.id}/reset-password`, {}),
    onSuccess: (r) => setSecret({ title: "Password reset", email: r.user.email, password: r.password }),
    onError: (e) => setRowError(e.message),
  });
  const endSessions = useMutation({
    mutationFn: (u: TUser) => api<{ ended: number }>("POST", `/api/v1/users/${u.id}/end-sessions`, {}),
    onSuccess: (r, u) => (setRowError(null), setNotice(`${r.ended} session(s) of ${u.email} ended: signed out at their next request.`)),
    onError: (e) => setRowError(e.message),
  });
  const resetTwoFactor = useMutation({
    mutationFn: (u: TUser) => api<TUser>("POST", `/api/v1/users/${u.id}/reset-two-factor`, {}),
    onSuccess: () => (setRowError(null), done()),
    onError: (e) => setRowError(e.message),
  });

  return (
    <div className="space-y-4">
    <Card>
      <CardHeader
        title="Users"
        description="People who sign in to the dashboard. Passwords are generated and shown once."
        actions={<Button onClick={() => setCreating(true)}><UserPlus className="size-4" /> New user</Button>}
      />
      {rowError ? <p role="alert" className="border-b border-line bg-red-50 px-4 py-2 text-danger">{rowError}</p> : null}
      {notice ? <p role="status" className="border-b border-line bg-blue-50 px-4 py-2 text-xs text-blue-900">{notice}</p> : null}
      {users.isPending ? (
        <p className="px-4 py-6 text-center text-muted">Loading…</p>
      ) : users.isError ? (
        <p role="alert" className="px-4 py-6 text-center text-danger">{users.error.message}</p>
      ) : users.data.items.length === 0 ? (
        <EmptyState icon={Users} title="No users">Create the first user with New user.</EmptyState>
      ) : (
        <Table>
          <thead>
            <tr><Th>E-mail</Th><Th>Name</Th><Th>Role</Th><Th>Status</Th><Th>2FA</Th><Th>Last sign-in</Th><Th className="text-right">Actions</Th></tr>
          </thead>
          <tbody>
            {users.data.items.map((u) => (
              <tr key={u.id} data-testid={`user-row-${u.email}`}>
                <Td>{u.email}{u.id === currentUserId ? <span className="ml-1 text-xs text-muted">(you)</span> : null}{u.sso ? <Badge tone="info" className="ml-1">SSO</Badge> : null}</Td>
                <Td className="text-muted">{u.name ?? "—"}</Td>
                <Td>
                  <RoleSelect
                    aria-label={`Role of ${u.email}`}
                    className="h-7 w-32 text-xs"
                    value={u.role}
                    disabled={u.sso}
                    title={u.sso ? "Set by their groups at each single sign-on (Single sign-on, below)" : undefined}
                    onChange={(e) => update.mutate({ id: u.id, role: e.target.value as TRole })}
                  />
                </Td>
                <Td>{u.disabled ? <Badge tone="danger">Disabled</Badge> : <Badge tone="ok">Active</Badge>}</Td>
                <Td>{u.twoFactor ? <Badge tone="ok">On</Badge> : <Badge>Off</Badge>}</Td>
                <Td className="text-muted">{u.lastLoginAt ? new Date(u.lastLoginAt).toLocaleString("en-GB") : "never"}</Td>
                <Td className="space-x-1 whitespace-nowrap text-right">
                  <Button size="sm" variant="secondary" onClick={() => update.mutate({ id: u.id, disabled: !u.disabled })}>
                    {u.disabled ? "Enable" : "Disable"}
                  </Button>
                  <Button size="sm" variant="secondary" onClick={() => window.confirm(`End every session of ${u.email}? They are signed out at their next request.`) && endSessions.mutate(u)}>
                    End sessions
                  </Button>
                  {u.sso ? null : (
                    <Button
                      size="sm"
                      variant="secondary"
                      onClick={() => window.confirm(`Reset the password of ${u.email}? Their sessions end at once.`) && reset.mutate(u)}
                    >
                      Reset password
                    </Button>
                  )}
                  {u.twoFactor ? (
                    <Button
                      size="sm"
                      variant="secondary"
                      onClick={() => window.confirm(`Remove the second factor of ${u.email}? Their sessions end; they sign in with the password and enrol again.`) && resetTwoFactor.mutate(u)}
                    >
                      Reset two-factor
                    </Button>
                  ) : null}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <Dialog open={creating} onOpenChange={setCreating} title="New user" description="The password is generated and shown once.">
        <CreateUserForm
          onCreated={(r) => {
            setCreating(false);
            setSecret({ title: "User created", email: r.user.email, password: r.password });
            void done();
          }}
        />
      </Dialog>
      <Dialog open={secret !== null} onOpenChange={(o) => !o && setSecret(null)} title={secret?.title ?? ""} description={`Give this password to ${secret?.email ?? ""} over a safe channel.`}>
        {secret ? <SecretOnce label="Password" value={secret.password} /> : null}
        <div className="mt-4 text-right"><Button onClick={() => setSecret(null)}>Done</Button></div>
      </Dialog>
    </Card>
    <SsoSettings admins={users.data?.items.filter((u) => u.role === "ADMIN" && !u.disabled && !u.sso) ?? []} />
    </div>
  );
}
