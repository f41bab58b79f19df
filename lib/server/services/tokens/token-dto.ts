import "server-only";
import type { ApiToken } from "@/lib/generated/prisma/client";
import type { TApiToken } from "@/lib/schemas/token";

export const toTokenDto = (t: ApiToken): TApiToken => ({
  id: t.id,
  name: t.name,
  role: t.role,
  prefix: t.prefix,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});
