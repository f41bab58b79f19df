// A certificate's status as the inventory shows it, and the expiry windows operators watch.
export const CERT_STATUSES = ["active", "expiring", "expired", "revoked"] as const;
export type TCertStatus = (typeof CERT_STATUSES)[number];

/** A certificate counts as expiring this many days before its notAfter. */
export const EXPIRING_DAYS = 30;
export const EXPIRY_WINDOWS = [7, 30, 90] as const;

const DAY = 86_400_000;

export function certificateStatus(c: { notAfter: Date; revokedAt: Date | null }, now: Date): TCertStatus {
  if (c.revokedAt) return "revoked";
  if (c.notAfter.getTime() <= now.getTime()) return "expired";
  return c.notAfter.getTime() - now.getTime() <= EXPIRING_DAYS * DAY ? "expiring" : "active";
}

/** The notAfter range of certificates (not revoked) that fall in a status: [from, to). */
export function statusRange(status: Exclude<TCertStatus, "revoked">, now: Date): { gte?: Date; lt?: Date } {
  const soon = new Date(now.getTime() + EXPIRING_DAYS * DAY);
  if (status === "expired") return { lt: new Date(now.getTime() + 1) };
  if (status === "expiring") return { gte: new Date(now.getTime() + 1), lt: new Date(soon.getTime() + 1) };
  return { gte: new Date(soon.getTime() + 1) };
}

export const daysFromNow = (days: number, now: Date) => new Date(now.getTime() + days * DAY);
