import Link from "next/link";
import type { TCertificateExpiry } from "@/lib/schemas/certificate";

/** Bars of certificates expiring within 7, 30 and 90 days (cumulative), plus expired ones; each links to its list. */
export function ExpiryChart({ expiry, hrefFor }: { expiry: TCertificateExpiry; hrefFor: (bar: "7" | "30" | "90" | "expired") => string }) {
  const bars = [
    { key: "7", label: "within 7 days", value: expiry.within["7"], color: "bg-red-500" },
    { key: "30", label: "within 30 days", value: expiry.within["30"], color: "bg-amber-500" },
    { key: "90", label: "within 90 days", value: expiry.within["90"], color: "bg-blue-500" },
    { key: "expired", label: "expired", value: expiry.expired, color: "bg-gray-500" },
  ] as const;
  const max = Math.max(1, ...bars.map((b) => b.value));
  return (
    <figure aria-label="Certificates by expiry" className="space-y-2">
      {bars.map((b) => (
        <Link key={b.key} href={hrefFor(b.key)} className="grid grid-cols-[8rem_1fr_3rem] items-center gap-3 rounded text-sm hover:bg-gray-50" aria-label={`${b.value} ${b.label}`}>
          <span className="text-muted">{b.label}</span>
          <span className="h-3 rounded bg-gray-100">
            <span className={`block h-3 rounded ${b.color}`} style={{ width: `${(b.value / max) * 100}%` }} />
          </span>
          <span className="text-right tabular-nums">{b.value.toLocaleString("en")}</span>
        </Link>
      ))}
      <figcaption className="text-xs text-muted">
        {expiry.active.toLocaleString("en")} valid, {expiry.revoked.toLocaleString("en")} revoked, {expiry.total.toLocaleString("en")} in all.
      </figcaption>
    </figure>
  );
}
