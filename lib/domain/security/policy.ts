// The fleet's security policy: whether admins must use two-factor authentication, and the posture checks'
// thresholds. What an admin tuned is stored; the rest keep these defaults. Pure.
import { z } from "zod";

const days = (max: number) => z.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(max, `must be at most ${max}`);

export const ZSecurityPolicy = z.strictObject({
  /** Admins without a second factor may sign in only to enrol one. */
  adminTwoFactor: z.boolean({ error: "must be true or false" }).default(false),
  /** Certificates expiring within this many days are findings. */
  expiringDays: days(365).default(30),
  /** Device credentials (password, PSK key, certificate) older than this are findings. */
  rotationDays: days(3650).default(365),
  /** Devices not seen for this many days are findings. */
  unseenDays: days(3650).default(90),
  /** API tokens unused for this many days are findings. */
  tokenUnusedDays: days(3650).default(90),
});
export type TSecurityPolicy = z.infer<typeof ZSecurityPolicy>;

/** The policy as stored over the defaults; anything unreadable falls back to them. */
export function securityPolicy(stored: unknown): TSecurityPolicy {
  const parsed = ZSecurityPolicy.safeParse(stored ?? {});
  return parsed.success ? parsed.data : ZSecurityPolicy.parse({});
}

/** Whether this user must enrol a second factor before doing anything else. */
export const mustEnrolTwoFactor = (policy: TSecurityPolicy, user: { role: string; totpEnabledAt: Date | null }): boolean =>
  policy.adminTwoFactor && user.role === "ADMIN" && user.totpEnabledAt === null;
