"use client";
import { useMutation } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { api } from "@/lib/client/api";
import type { TFileDiff } from "@/lib/domain/broker-drift";

type TDrift = { checkedAt: string; desiredRevision: string; files: TFileDiff[] };

/** Entry-by-entry comparison fetched from the agent on demand (names and digests, never secrets). */
export function DriftDiff({ id }: { id: string }) {
  const diff = useMutation({ mutationFn: () => api<TDrift>("GET", `/api/v1/brokers/${id}/drift`) });
  return (
    <div className="border-t border-line px-4 py-3">
      <Button size="sm" variant="secondary" onClick={() => diff.mutate()} disabled={diff.isPending}>
        {diff.isPending ? "Comparing…" : "Compare with the broker"}
      </Button>
      {diff.error ? <p role="alert" className="mt-2 text-danger">{diff.error.message}</p> : null}
      {diff.data ? (
        diff.data.files.length === 0 ? (
          <p className="mt-2 text-ok" data-testid="drift-diff">The broker holds exactly revision {diff.data.desiredRevision}.</p>
        ) : (
          <div className="mt-2 space-y-2" data-testid="drift-diff">
            {diff.data.files.map((f) => (
              <div key={f.file}>
                <p className="font-medium">{f.file}</p>
                <pre className="overflow-x-auto rounded bg-gray-50 p-2 font-mono text-xs">
                  {f.missing.map((l) => <span key={`-${l}`} className="block text-danger">- {l}   (desired, missing on the broker)</span>)}
                  {f.unexpected.map((l) => <span key={`+${l}`} className="block text-warn">+ {l}   (on the broker, not desired)</span>)}
                </pre>
              </div>
            ))}
          </div>
        )
      ) : null}
    </div>
  );
}
