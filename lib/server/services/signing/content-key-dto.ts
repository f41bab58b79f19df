import "server-only";
import type { AclGroup, ContentKey, Device } from "@/lib/generated/prisma/client";
import type { TContentKey } from "@/lib/schemas/signing";
import { unseal } from "../../secrets";

export const contentKeyContext = (id: string) => `content-key:${id}`;

/** The key itself, unsealed (the verifier and the decrypt route only). */
export const contentKeyBytes = (k: Pick<ContentKey, "id" | "keySealed">) => new Uint8Array(Buffer.from(unseal(k.keySealed, contentKeyContext(k.id)), "base64url"));

export const toContentKeyDto = (k: ContentKey & { device: Pick<Device, "id" | "clientId"> | null; group: Pick<AclGroup, "id" | "name"> | null }): TContentKey => ({
  id: k.id,
  name: k.name,
  scope: k.device ? { kind: "device", id: k.device.id, name: k.device.clientId } : { kind: "group", id: k.group!.id, name: k.group!.name },
  status: k.revokedAt ? "revoked" : "active",
  createdAt: k.createdAt.toISOString(),
  createdBy: k.createdBy,
  revokedAt: k.revokedAt?.toISOString() ?? null,
  revokedBy: k.revokedBy,
});

export const CONTENT_KEY_INCLUDE = { device: { select: { id: true, clientId: true } }, group: { select: { id: true, name: true } } } as const;
