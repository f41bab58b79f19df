import { Badge } from "@/components/ui/badge";
import type { TSyncState } from "@/lib/domain/sync-state";

const LOOK: Record<TSyncState, { tone: "ok" | "info" | "warn" | "danger" | "neutral"; label: string }> = {
  in_sync: { tone: "ok", label: "In sync" },
  syncing: { tone: "info", label: "Syncing" },
  drifted: { tone: "warn", label: "Drifted" },
  offline: { tone: "neutral", label: "Offline" },
  error: { tone: "danger", label: "Error" },
};

export function SyncStateBadge({ state }: { state: TSyncState }) {
  const { tone, label } = LOOK[state];
  return <Badge tone={tone} data-testid="sync-state">{label}</Badge>;
}

export function formatUptime(seconds: number | null): string {
  if (seconds === null) return "—";
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m ${seconds % 60}s`;
}
