"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, Input } from "@/components/ui/field";
import { api, ApiError } from "@/lib/client/api";
import type { TSignedTopic } from "@/lib/domain/message-signing";

/** The topic filters whose messages Fleetward verifies; an admin edits them, an auditor reads them. */
export function SignedTopicsSettings({ canManage }: { canManage: boolean }) {
  const qc = useQueryClient();
  const stored = useQuery({ queryKey: ["signed-topics"], queryFn: () => api<{ topics: TSignedTopic[] }>("GET", "/api/v1/signing/topics") });
  const [edited, setRows] = useState<TSignedTopic[] | null>(null);
  const rows = edited ?? stored.data?.topics ?? null;
  const save = useMutation({
    mutationFn: (topics: TSignedTopic[]) => api<{ topics: TSignedTopic[] }>("PUT", "/api/v1/signing/topics", { topics }),
    onSuccess: (r) => (setRows(r.topics), qc.invalidateQueries({ queryKey: ["signed-topics"] })),
  });
  const fields = save.error instanceof ApiError ? save.error.fields : {};
  if (!rows) return null;
  const patch = (i: number, p: Partial<TSignedTopic>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...p } : r)));

  return (
    <Card>
      <CardHeader
        title="Message signing"
        description="Messages on these topics are verified against their devices' signing keys (valid, invalid, unsigned, replayed or stale, shown in Live's inspector). On a signed-only filter, unsigned messages are findings too; invalid, replayed and stale ones always are."
      />
      <form
        className="space-y-3 p-4"
        noValidate
        aria-label="Verified topics"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(rows);
        }}
      >
        {rows.map((r, i) => (
          <div key={i} className="flex items-end gap-3" data-testid="signed-topic">
            <div className="w-full max-w-md">
              <Field label={`Topic filter ${i + 1}`} error={fields[`topics.${i}.filter`]}>
                {(p) => <Input {...p} value={r.filter} onChange={(e) => patch(i, { filter: e.target.value })} className="font-mono" disabled={!canManage} />}
              </Field>
            </div>
            <label className="mb-2 flex items-center gap-2 text-sm">
              <input type="checkbox" checked={r.signedOnly} onChange={(e) => patch(i, { signedOnly: e.target.checked })} disabled={!canManage} /> Signed only
            </label>
            {canManage ? <Button type="button" size="sm" variant="ghost" className="mb-1" onClick={() => setRows(rows.filter((_, j) => j !== i))}>Remove</Button> : null}
          </div>
        ))}
        {rows.length === 0 ? <p className="text-sm text-muted">No topic is verified: messages are not checked for signatures.</p> : null}
        {fields.topics ? <p role="alert" className="text-xs text-danger">{fields.topics}</p> : null}
        {canManage ? (
          <div className="flex items-center gap-3">
            <Button type="button" size="sm" variant="secondary" onClick={() => setRows([...rows, { filter: "", signedOnly: true }])}>Add filter</Button>
            <Button type="submit" size="sm" disabled={save.isPending}>{save.isPending ? "Saving…" : "Save filters"}</Button>
            {save.isSuccess ? <span role="status" className="text-xs text-muted">Saved; the verifier follows within seconds.</span> : null}
            {save.error && Object.keys(fields).length === 0 ? <span role="alert" className="text-xs text-danger">{save.error.message}</span> : null}
          </div>
        ) : null}
      </form>
    </Card>
  );
}
