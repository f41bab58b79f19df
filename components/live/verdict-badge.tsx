import { Badge } from "@/components/ui/badge";
import type { TVerdictState } from "@/lib/domain/message-verdicts";

const TONES = { valid: "ok", invalid: "danger", replayed: "danger", stale: "warn", unsigned: "warn" } as const;

/** A message's signature as the verifier judged it; nothing for a topic that is not verified. */
export function VerdictBadge({ verdict }: { verdict: TVerdictState | null }) {
  if (verdict === null) return <span className="text-muted">—</span>;
  if (verdict === "pending") return <Badge data-verdict="pending">checking…</Badge>;
  if (verdict === "none") return <Badge data-verdict="none" title="No verdict came from the verifier within 10 s: is a worker running?">no verdict</Badge>;
  return <Badge tone={TONES[verdict.s]} data-verdict={verdict.s} title={verdict.r ?? undefined}>{verdict.s}</Badge>;
}
