"use client";
import { Badge } from "@/components/ui/badge";
import type { TRefusal } from "@/lib/live/use-live-fleet";

/** Refused connection attempts per broker within the last minute from which a spike is raised. */
export const SPIKE_PER_MINUTE = 10;

/** An alert per broker refusing at least SPIKE_PER_MINUTE connection attempts within the last minute. */
export function AuthFailureAlert({ refusals, now }: { refusals: readonly TRefusal[]; now: number }) {
  const recent = refusals.filter((r) => now - r.at <= 60_000);
  const byBroker = new Map<string, TRefusal[]>();
  for (const r of recent) byBroker.set(r.broker, [...(byBroker.get(r.broker) ?? []), r]);
  const spikes = [...byBroker].filter(([, rs]) => rs.length >= SPIKE_PER_MINUTE);
  if (!spikes.length) return null;
  return (
    <ul role="alert" data-testid="auth-spike" className="space-y-1 rounded-md border border-red-300 bg-red-50 px-4 py-2 text-sm text-red-900">
      {spikes.map(([broker, rs]) => {
        const ips = [...new Set(rs.map((r) => r.ip ?? "unknown"))];
        return (
          <li key={broker}>
            <Badge tone="danger">auth-failure spike</Badge> {rs.length} refused connection attempts on {broker} in the last minute, from {ips.slice(0, 5).join(", ")}
            {ips.length > 5 ? ` and ${ips.length - 5} more` : ""}.
          </li>
        );
      })}
    </ul>
  );
}
