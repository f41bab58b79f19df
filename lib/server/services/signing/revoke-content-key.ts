import "server-only";
import type { TContentKey } from "@/lib/schemas/signing";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError } from "../../errors";
import { CONTENT_KEY_INCLUDE, toContentKeyDto } from "./content-key-dto";
import { signingChanged } from "./signing-key-dto";

/** Revokes a content key: the verifier calls messages under it invalid, and the inspector no longer decrypts them. */
export async function revokeContentKey({ actor, kid }: { actor: TActor; kid: string }): Promise<TContentKey> {
  return change(async (tx) => {
    const key = await tx.contentKey.findUnique({ where: { id: kid }, select: { revokedAt: true, name: true } });
    if (!key) throw new AppError("NOT_FOUND", "Content key was not found.");
    if (key.revokedAt) throw new AppError("CONFLICT", `Content key ${kid} was already revoked.`, { kid: "is already revoked" });
    const row = await tx.contentKey.update({ where: { id: kid }, data: { revokedAt: new Date(), revokedBy: actor.label }, include: CONTENT_KEY_INCLUDE });
    await signingChanged(tx);
    await appendAudit(tx, actor, { action: "content_key.revoke", targetType: "content_key", targetId: kid, details: { name: key.name } });
    return toContentKeyDto(row);
  });
}
