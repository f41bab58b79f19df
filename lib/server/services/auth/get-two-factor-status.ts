import "server-only";
import { mustEnrolTwoFactor } from "@/lib/domain/security/policy";
import type { TActor } from "../../audit";
import { db } from "../../db";
import { getSecurityPolicy } from "../security/security-policy";
import { twoFactorUser } from "./two-factor-user";

/** Whether the signed-in user has a second factor, how many recovery codes are left, and whether the policy requires one. */
export async function getTwoFactorStatus(actor: TActor) {
  const [user, policy] = await Promise.all([db.$transaction((tx) => twoFactorUser(tx, actor)), getSecurityPolicy()]);
  return {
    enabled: user.totpEnabledAt !== null,
    enabledAt: user.totpEnabledAt?.toISOString() ?? null,
    recoveryCodesLeft: user.totpEnabledAt ? user.recoveryCodeHashes.length : 0,
    required: policy.adminTwoFactor && user.role === "ADMIN",
    enrolmentRequired: mustEnrolTwoFactor(policy, user),
  };
}
