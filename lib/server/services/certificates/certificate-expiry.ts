import "server-only";
import { daysFromNow, EXPIRY_WINDOWS } from "@/lib/domain/certificate-status";
import type { TCertificateExpiry } from "@/lib/schemas/certificate";
import { db } from "../../db";

/** Counts for the expiry chart and the overview's warning: how many certificates expire within 7, 30 and 90 days. */
export async function certificateExpiry(): Promise<TCertificateExpiry> {
  const now = new Date();
  const live = { revokedAt: null, notAfter: { gt: now } };
  const [total, revoked, expired, active, windows, soonest] = await Promise.all([
    db.certificate.count(),
    db.certificate.count({ where: { revokedAt: { not: null } } }),
    db.certificate.count({ where: { revokedAt: null, notAfter: { lte: now } } }),
    db.certificate.count({ where: live }),
    Promise.all(EXPIRY_WINDOWS.map((d) => db.certificate.count({ where: { revokedAt: null, notAfter: { gt: now, lte: daysFromNow(d, now) } } }))),
    db.certificate.findFirst({ where: live, orderBy: { notAfter: "asc" }, select: { subject: true, notAfter: true } }),
  ]);
  return {
    total,
    active,
    expired,
    revoked,
    within: { "7": windows[0]!, "30": windows[1]!, "90": windows[2]! },
    soonest: soonest ? { subject: soonest.subject, notAfter: soonest.notAfter.toISOString() } : null,
  };
}
