import "server-only";
import type { User } from "@/lib/generated/prisma/client";
import type { TUser } from "@/lib/schemas/user";

export const toUserDto = (u: User): TUser => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  disabled: u.disabled,
  createdAt: u.createdAt.toISOString(),
  lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  twoFactor: u.totpEnabledAt !== null,
  sso: u.oidcSubject !== null,
});
