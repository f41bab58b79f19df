import { z } from "zod";
import { passwordProblem } from "@/lib/domain/password-policy";
import { ZKeyCursor, ZLimit, ZPlainString, ZRole } from "./common";

export const ZEmail = z
  .string({ error: "is required" })
  .trim()
  .toLowerCase()
  .max(254, "must be at most 254 characters")
  .pipe(z.email({ error: "must be a valid e-mail address" }));

const ZName = ZPlainString().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");

export const ZUserCreate = z.strictObject({
  email: ZEmail,
  name: ZName.optional(),
  role: ZRole,
});
export type TUserCreate = z.infer<typeof ZUserCreate>;

export const ZUserUpdate = z
  .strictObject({
    name: ZName.optional(),
    role: ZRole.optional(),
    disabled: z.boolean({ error: "must be true or false" }).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: "nothing to change: give name, role or disabled" });
export type TUserUpdate = z.infer<typeof ZUserUpdate>;

export const ZUserQuery = z.strictObject({
  q: ZPlainString().max(254, "must be at most 254 characters").optional(),
  limit: ZLimit,
  /** The last e-mail of the previous page. */
  cursor: ZKeyCursor(/^\S+@\S+$/, 254),
});

export const ZUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: ZRole,
  disabled: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  /** Whether the user signs in with a second factor (TOTP). */
  twoFactor: z.boolean(),
  /** Whether the user was created by single sign-on (and signs in only through it). */
  sso: z.boolean(),
});
export type TUser = z.infer<typeof ZUser>;

export const ZUserWithPassword = z.object({ user: ZUser, password: z.string() });

export const ZSignIn = z.strictObject({
  email: ZEmail,
  password: z.string({ error: "is required" }).min(1, "is required").max(1024, "is too long"),
});

/** A TOTP code (6 digits) or a recovery code. */
export const ZSecondFactorCode = z.string({ error: "is required" }).trim().min(1, "is required").max(64, "is too long");

export const ZTwoFactorCode = z.strictObject({ code: ZSecondFactorCode });

/** Enrolment asks for the password again. */
export const ZTwoFactorStart = z.strictObject({ password: z.string({ error: "is required" }).min(1, "is required").max(1024, "is too long") });

export const ZTwoFactorStatus = z.object({
  enabled: z.boolean(),
  enabledAt: z.string().nullable(),
  recoveryCodesLeft: z.number(),
  /** The policy requires a second factor of this user. */
  required: z.boolean(),
  /** Required and not yet enrolled: nothing else is allowed until it is. */
  enrolmentRequired: z.boolean(),
});

export const ZTwoFactorEnrolment = z.object({
  /** Base32, for typing into an authenticator by hand; shown once. */
  secret: z.string(),
  otpauthUri: z.string(),
  /** The otpauth URI as a QR code (SVG). */
  qrSvg: z.string(),
});

export const ZRecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) });

/** A new password the user chooses, held to the password policy (the service adds the rules that need the account). */
export const ZNewPassword = z
  .string({ error: "is required" })
  .superRefine((v, ctx) => {
    const problem = passwordProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .meta({ description: "12 to 1,024 characters, no control characters, not mostly one character repeated; not the current password, nor containing the account's e-mail" });

/** Changing one's own password: the current one proves it is you. */
export const ZPasswordChange = z.strictObject({
  currentPassword: z.string({ error: "is required" }).min(1, "is required").max(1024, "is too long"),
  newPassword: ZNewPassword,
});
export type TPasswordChange = z.infer<typeof ZPasswordChange>;

export const ZPasswordChanged = z.object({ changed: z.boolean(), sessionsEnded: z.number() });
