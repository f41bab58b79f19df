"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { api, ApiError } from "@/lib/client/api";
import type { TAclPreviewResult } from "@/lib/schemas/acl";
import { EnforcementStatus } from "./enforcement-status";
import { FindingsList } from "./findings-list";

type TProps = {
  /** The body for POST /api/v1/acl/preview. */
  preview: () => unknown;
  /** Saves the change; resolves with the revision that carries it (null when no device's rules changed). */
  save: () => Promise<{ revision: string | null }>;
  /** Field errors of the change, named as the saving route names them (the preview's prefix removed). */
  onErrors: (fields: Record<string, string>) => void;
  onSaved?: () => void;
  prefix: string;
  label?: string;
};

const strip = (fields: Record<string, string>, prefix: string) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.startsWith(prefix) ? k.slice(prefix.length) : k, v]));

/**
 * Review before saving: what changes on each broker, per device, how many of those devices are connected, the
 * sessions the change closes and the findings it brings; then save, and watch the brokers enforce it.
 */
export function ReviewAndSave({ preview, save, onErrors, onSaved, prefix, label = "Review and save" }: TProps) {
  const qc = useQueryClient();
  const [result, setResult] = useState<TAclPreviewResult | null>(null);
  const [saved, setSaved] = useState<{ revision: string | null; at: number } | null>(null);
  const review = useMutation({
    mutationFn: () => api<TAclPreviewResult>("POST", "/api/v1/acl/preview", preview()),
    onMutate: () => (onErrors({}), setSaved(null)),
    onSuccess: setResult,
    onError: (e) => onErrors(e instanceof ApiError ? strip(e.fields, prefix) : {}),
  });
  const commit = useMutation({
    mutationFn: save,
    onSuccess: (r) => {
      setResult(null);
      setSaved({ revision: r.revision, at: Date.now() });
      void qc.invalidateQueries({ queryKey: ["acl"] });
      void qc.invalidateQueries({ queryKey: ["devices"] });
      onSaved?.();
    },
    onError: (e) => (setResult(null), onErrors(e instanceof ApiError ? e.fields : {})),
  });
  const generalError = [review.error, commit.error].find((e) => e && !(e instanceof ApiError && Object.keys(e.fields).length));
  return (
    <div className="space-y-2">
      <Button type="button" onClick={() => review.mutate()} disabled={review.isPending}>{review.isPending ? "Checking…" : label}</Button>
      {generalError ? <p role="alert" className="text-xs text-danger">{generalError.message}</p> : null}
      {saved ? <EnforcementStatus revision={saved.revision} savedAt={saved.at} /> : null}
      <Dialog open={result !== null} onOpenChange={(o) => !o && setResult(null)} title="Review the change" description="What each broker will enforce once you save. Nothing has been written yet." wide>
        {result ? (
          <div className="max-h-[70vh] space-y-4 overflow-y-auto text-sm">
            <p data-testid="preview-summary">
              <strong>{result.devicesChanged}</strong> device{result.devicesChanged === 1 ? "" : "s"} change on every broker. Sessions disconnected: <strong>{result.sessionsToDisconnect}</strong>{" "}
              <span className="text-muted">(brokers apply the new rules to connected clients at their next publish or delivery; no one is kicked).</span>
            </p>
            <table className="w-full text-xs">
              <thead><tr className="text-left text-muted"><th className="py-1">Broker</th><th>Devices changed</th><th>Of them connected now</th><th>Sessions disconnected</th></tr></thead>
              <tbody>
                {result.brokers.map((b) => (
                  <tr key={b.brokerId} className="border-t border-line">
                    <td className="py-1">{b.name}</td>
                    <td>{b.devicesChanged}</td>
                    <td>{b.connectedAffected ?? <span className="text-muted">unknown (no snapshot)</span>}</td>
                    <td>{b.sessionsToDisconnect}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {result.devices.length ? (
              <div className="space-y-2">
                <p className="text-xs font-medium">Per device (acl_file lines, the same on every broker){result.devicesChanged > result.devices.length ? `: first ${result.devices.length} of ${result.devicesChanged}` : ""}</p>
                <ul className="space-y-2">
                  {result.devices.map((d) => (
                    <li key={d.deviceId} className="rounded-md border border-line p-2 font-mono text-xs">
                      <p className="mb-1 font-sans font-medium">
                        {d.clientId} {d.connectedOn.length ? <Badge tone="info">connected on {d.connectedOn.join(", ")}</Badge> : null}
                      </p>
                      {d.removed.map((l) => <p key={`-${l}`} className="text-red-800">- {l}</p>)}
                      {d.added.map((l) => <p key={`+${l}`} className="text-emerald-800">+ {l}</p>)}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            <FindingsList findings={result.findings} label="New findings" />
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setResult(null)}>Back to editing</Button>
              <Button onClick={() => commit.mutate()} disabled={commit.isPending}>{commit.isPending ? "Saving…" : "Save and push"}</Button>
            </div>
          </div>
        ) : null}
      </Dialog>
    </div>
  );
}
