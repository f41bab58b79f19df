import { Badge } from "@/components/ui/badge";
import type { TFinding } from "@/lib/domain/acl/lint";

export const severityTone = (s: TFinding["severity"]) => (s === "high" ? "danger" : s === "medium" ? "warn" : "neutral");

/** Linter findings, each with why it matters and how to fix it. */
export function FindingsList({ findings, label = "Findings" }: { findings: readonly TFinding[]; label?: string }) {
  return (
    <div className="space-y-2 text-xs" aria-label={label}>
      <p className="font-medium">{findings.length ? `${label} (${findings.length})` : `${label}: none`}</p>
      <ul className="space-y-2">
        {findings.map((f, i) => (
          <li key={i} className="rounded-md border border-line p-2">
            <Badge tone={severityTone(f.severity)}>{f.severity}</Badge> <span className="font-medium">{f.message}</span>
            <p className="mt-1 text-muted">Why: {f.why}</p>
            <p className="text-muted">Fix: {f.fix}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
