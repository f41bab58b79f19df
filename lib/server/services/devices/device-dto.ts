import "server-only";
import type { Device } from "@/lib/generated/prisma/client";
import type { TDevice } from "@/lib/schemas/device";

export const toDeviceDto = (d: Device & { certificates?: { revokedAt: Date | null }[] }): TDevice => ({
  id: d.id,
  clientId: d.clientId,
  name: d.name,
  tags: d.tags,
  authType: d.authType,
  disabled: d.disabled,
  hasCredential: d.authType === "PASSWORD" ? d.passwordHash !== null : d.authType === "PSK" ? d.pskKeySealed !== null : (d.certificates ?? []).some((c) => !c.revokedAt),
  revision: d.revision.toString(),
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
});
