// Single sign-on (OpenID Connect): which role a company identity gets from its groups claim, and who may still sign
// in with a local password. What an admin set is stored; the rest keep these defaults. Pure.
import { z } from "zod";
import { ROLES, type TRole } from "../permissions";

export const ZSsoSettings = z
  .strictObject({
    /** A group named in the identity's groups claim, and the role it gives. */
    roleMappings: z
      .array(
        z.strictObject({
          group: z.string({ error: "is required" }).trim().min(1, "is required").max(256, "must be at most 256 characters"),
          role: z.enum(ROLES, { error: "must be one of ADMIN, OPERATOR, AUDITOR" }),
        }),
        { error: "must be a list of {group, role}" },
      )
      .max(100, "must hold at most 100 mappings")
      .default([]),
    /** Local passwords for everyone, or only for the break-glass admin (single sign-on for the rest). */
    localSignIn: z.enum(["everyone", "break-glass"], { error: 'must be "everyone" or "break-glass"' }).default("everyone"),
    breakGlassUserId: z.uuid({ error: "must be a user id" }).nullable().default(null),
  })
  .refine((s) => s.localSignIn === "everyone" || s.breakGlassUserId !== null, { message: "name the break-glass admin who keeps a local password", path: ["breakGlassUserId"] })
  .refine((s) => new Set(s.roleMappings.map((m) => m.group)).size === s.roleMappings.length, { message: "names a group twice", path: ["roleMappings"] });
export type TSsoSettings = z.infer<typeof ZSsoSettings>;

/** The settings as stored over the defaults; anything unreadable falls back to them. */
export function ssoSettings(stored: unknown): TSsoSettings {
  const parsed = ZSsoSettings.safeParse(stored ?? {});
  return parsed.success ? parsed.data : ZSsoSettings.parse({});
}

/** The groups an identity's claim names: a list, or one string (some providers send a space- or comma-separated one). */
export function groupsOf(claims: Record<string, unknown>, claim: string): string[] {
  const v = claims[claim];
  if (Array.isArray(v)) return v.filter((g): g is string => typeof g === "string");
  return typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : [];
}

const RANK: Record<TRole, number> = { ADMIN: 3, OPERATOR: 2, AUDITOR: 1 };

/** The role the mapped groups give (the most capable of them when several match), or null when none is mapped. */
export function roleForGroups(groups: readonly string[], mappings: TSsoSettings["roleMappings"]): TRole | null {
  const roles = mappings.filter((m) => groups.includes(m.group)).map((m) => m.role);
  return roles.length ? roles.reduce((a, b) => (RANK[b] > RANK[a] ? b : a)) : null;
}

/** Whether this user may sign in with a local password under these settings. */
export const mayUseLocalPassword = (s: TSsoSettings, userId: string) => s.localSignIn === "everyone" || s.breakGlassUserId === userId;

/** Why a single sign-on came back refused (next-auth's own codes mean it refused the provider's answer). */
export function ssoRefusal(code: string): string {
  switch (code) {
    case "sso_no_role":
      return "Your company identity is in no group that Fleetward maps to a role, so it cannot sign you in. Ask an admin to map one of your groups (Settings > Single sign-on).";
    case "sso_disabled":
      return "This account is disabled.";
    case "sso_email_taken":
      return "A local account already uses your e-mail address: an admin must remove or rename it before you can sign in with single sign-on.";
    case "sso_no_email":
      return "The identity provider sent no e-mail address: it must release the email claim to Fleetward.";
    default:
      return "Single sign-on failed: Fleetward refused the identity provider's answer. Try again; if it keeps failing, an admin finds the reason in the server log.";
  }
}
