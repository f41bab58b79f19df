import "server-only";
import { lockedUntil, LOCKOUT_MS, LOGIN_WINDOW_MS, MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_IP } from "@/lib/domain/login-throttle";
import { db, type TTx } from "../../db";

// Advisory lock classes (the two-key form, a key space apart from the single-key locks such as the audit chain's).
const ACCOUNT_LOCK = 0x66_77_6c_61; // "fwla"
const IP_LOCK = 0x66_77_6c_69; // "fwli"

export type TReservation = { id: bigint } | { until: Date };

/**
 * Reserves one attempt at proving who one is (a password or a second-factor code) before it is checked. The
 * attempt is written as a failure at once, under a lock per account and per address, after counting the attempts
 * already there: so however many arrive together, no more checks run in the window than the limits allow. A check
 * that passes turns its row into a success (a whole sign-in, which ends the account's count) or removes it (a proof
 * asked again of a signed-in user, or a password without its second factor); one that fails, or never finishes,
 * stays a failure. Returns the reservation, or until when the account or the address is locked.
 */
export async function reserveLoginAttempt({ email, ip, now }: { email: string; ip: string; now: Date }): Promise<TReservation> {
  return db.$transaction(
    async (tx) => {
      // Always the account first, then the address: one order, so two reservations never wait on each other.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ACCOUNT_LOCK}::int, hashtext(${email}))`;
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${IP_LOCK}::int, hashtext(${ip}))`;
      // A statement after the locks, so it sees every reservation committed before them (read committed).
      const until = await currentLock(tx, email, ip, now);
      if (until) return { until };
      const row = await tx.loginAttempt.create({ data: { email, ip, success: false, at: now }, select: { id: true } });
      return { id: row.id };
    },
    { maxWait: 10_000, timeout: 10_000 },
  );
}

/** The attempt proved a whole sign-in: the account's earlier failures stop counting (the address's do not). */
export const succeedLoginAttempt = (tx: TTx, id: bigint) => tx.loginAttempt.update({ where: { id }, data: { success: true } });

/** The attempt proved what was asked without being a sign-in: it counts neither way. */
export const releaseLoginAttempt = (id: bigint) => db.loginAttempt.deleteMany({ where: { id } });

/**
 * The later of the account lock and the IP lock, or null. An account's failures before its last success do not
 * count; reservations not yet settled count as failures. Rows are ordered by id, which the locks make the order
 * of reservation.
 */
export async function currentLock(client: TTx, email: string, ip: string, now: Date): Promise<Date | null> {
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS - LOCKOUT_MS);
  const lastSuccess = await client.loginAttempt.findFirst({
    where: { email, success: true, at: { gte: since } },
    orderBy: { id: "desc" },
    select: { id: true },
  });
  const afterSuccess = lastSuccess ? { id: { gt: lastSuccess.id } } : {};
  const byAccount = await client.loginAttempt.findMany({ where: { email, success: false, at: { gte: since }, ...afterSuccess }, select: { at: true } });
  const byIp = await client.loginAttempt.findMany({ where: { ip, success: false, at: { gte: since } }, select: { at: true } });
  const locks = [
    lockedUntil(byAccount.map((a) => a.at), MAX_FAILURES_PER_ACCOUNT, now),
    lockedUntil(byIp.map((a) => a.at), MAX_FAILURES_PER_IP, now),
  ].filter((d): d is Date => d !== null);
  return locks.length ? new Date(Math.max(...locks.map((d) => d.getTime()))) : null;
}
