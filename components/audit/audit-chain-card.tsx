"use client";
import { useMutation } from "@tanstack/react-query";
import { ShieldAlert, ShieldCheck, ShieldQuestion } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { api } from "@/lib/client/api";
import type { TAuditCheckpoint, TAuditVerify } from "@/lib/schemas/audit";
import { formatTime } from "./audit-table";

const n = (x: number) => x.toLocaleString("en-GB");
const events = (x: number) => `${n(x)} event${x === 1 ? "" : "s"}`;
const checkpointWords = (cp: TAuditCheckpoint) => `the checkpoint of ${formatTime(cp.at)} (event #${cp.headId}, ${events(cp.count)})`;

function Line({ tone, icon, children, testId }: { tone: string; icon: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <p data-testid={testId} className={`flex items-start gap-2 ${tone}`}>
      <span className="mt-0.5 shrink-0">{icon}</span>
      <span>{children}</span>
    </p>
  );
}

/** What a verification found, in words: intact, the first broken event and why, or the tail that is missing. */
function VerifyResult({ r }: { r: TAuditVerify }) {
  const skipped = r.checkpointsSkipped.forged + r.checkpointsSkipped.unreadable;
  return (
    <div className="space-y-2 px-4 py-3 text-sm">
      {r.ok ? (
        <Line testId="verify-result" tone="text-ok" icon={<ShieldCheck className="size-4" />}>
          Intact: {events(r.checked)} checked.{" "}
          {r.checkpoint ? `The head matches ${checkpointWords(r.checkpoint)}.` : "No checkpoint to compare the head with yet: a cut-off tail would not be seen until the worker writes one."}
        </Line>
      ) : r.broken ? (
        <Line testId="verify-result" tone="text-danger" icon={<ShieldAlert className="size-4" />}>
          Broken at event #{r.broken.id} (after {events(r.checked - 1)} intact): it {r.broken.why}.
        </Line>
      ) : r.missingTail ? (
        <Line testId="verify-result" tone="text-danger" icon={<ShieldAlert className="size-4" />}>
          Missing tail: the chain ends at {r.missingTail.headId ? `event #${r.missingTail.headId}` : "no event"} ({events(r.missingTail.count)}), but{" "}
          {r.checkpoint ? checkpointWords(r.checkpoint) : "the checkpoint"} recorded more: at least {events(r.missingTail.missing)} at the end of the log
          {r.missingTail.missing === 1 ? " was" : " were"} removed.
        </Line>
      ) : null}
      <p className="text-xs text-muted" data-testid="verify-keys">
        {!r.keyedFrom
          ? "No event is MACed yet: the chain is anchored under the audit key with the next event written."
          : r.keyedFrom === "1"
            ? `Every event is MACed under an audit key from the environment, which the database does not hold (new ones under ${r.keyId}): someone who holds only the database cannot rewrite one unseen, and the checkpoint shows the newest ones removed.`
            : `Events from #${r.keyedFrom} on are MACed under an audit key from the environment, which the database does not hold (new ones under ${r.keyId}); the events before, written before the chain was keyed, keep their old hash rule and are sealed by event #${r.keyedFrom} (audit.reanchor).`}
        {skipped ? ` ${skipped} newer checkpoint line${skipped === 1 ? "" : "s"} that did not verify ${skipped === 1 ? "was" : "were"} passed over: not written by Fleetward.` : ""}
      </p>
    </div>
  );
}

/** The chain's integrity: its newest checkpoint (kept outside the database) and the Verify button. */
export function AuditChainCard({ checkpoint, file, error }: { checkpoint: TAuditCheckpoint | null; file: string; error: string | null }) {
  const verify = useMutation({ mutationFn: () => api<TAuditVerify>("GET", "/api/v1/audit/verify") });
  const cp = verify.data ? verify.data.checkpoint : checkpoint;
  return (
    <Card>
      <CardHeader
        title="Chain integrity"
        description="Recomputes every hash and MAC from the first event, names the first one that does not hold, and compares the head with the newest checkpoint."
        actions={
          <Button variant="secondary" size="sm" onClick={() => verify.mutate()} disabled={verify.isPending}>
            {verify.isPending ? "Verifying…" : "Verify chain"}
          </Button>
        }
      />
      <div className="border-b border-line px-4 py-2 text-xs text-muted" data-testid="audit-checkpoint">
        {error && !verify.data && !verify.error ? (
          <Line tone="text-danger" icon={<ShieldAlert className="size-3.5" />}>{error}</Line>
        ) : cp ? (
          <>
            Newest checkpoint: <span className="text-ink">event #{cp.headId}</span>, {events(cp.count)}, at <span className="text-ink">{formatTime(cp.at)}</span>, MACed under
            audit key {cp.keyId}; kept outside the database in <span className="font-mono">{file}</span> and sent to webhooks taking audit.checkpoint.
          </>
        ) : (
          <Line tone="" icon={<ShieldQuestion className="size-3.5" />}>No checkpoint yet: the worker writes one within a minute of new events (or run `fleetward audit checkpoint`), to {file}.</Line>
        )}
      </div>
      {verify.data ? <VerifyResult r={verify.data} /> : verify.error ? <p className="px-4 py-3 text-danger">{verify.error.message}</p> : null}
    </Card>
  );
}
