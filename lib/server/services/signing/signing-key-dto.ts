import "server-only";
import type { SigningKey } from "@/lib/generated/prisma/client";
import type { TSigningAlgorithm } from "@/lib/domain/message-signing";
import type { TSigningKey } from "@/lib/schemas/signing";
import type { TTx } from "../../db";

export const signingKeyContext = (id: string) => `signing-key:${id}`;

export const toSigningKeyDto = (k: SigningKey, clientId: string): TSigningKey => ({
  id: k.id,
  deviceId: k.deviceId,
  clientId,
  algorithm: k.algorithm as TSigningAlgorithm,
  publicKeyPem: k.publicKeyPem,
  status: k.revokedAt ? "revoked" : "active",
  createdAt: k.createdAt.toISOString(),
  createdBy: k.createdBy,
  revokedAt: k.revokedAt?.toISOString() ?? null,
  revokedBy: k.revokedBy,
  lastCounter: k.lastCounter === null ? null : Number(k.lastCounter),
  lastSeenAt: k.lastSeenAt?.toISOString() ?? null,
});

/** Tells the message verifier to reload its keys and topics (it follows this revision). */
export const signingChanged = (tx: TTx) => tx.fleetState.upsert({ where: { id: 1 }, create: { id: 1, signingRevision: 1 }, update: { signingRevision: { increment: 1 } } });
