import "server-only";
import { change } from "../../change";
import { appendAudit, type TActor } from "../../audit";
import { AppError } from "../../errors";
import { toTokenDto } from "./token-dto";

export type TRevokeTokenOptions = { actor: TActor; id: string };

/** Revokes a token at once; revoking a revoked token is a conflict, not a silent success. */
export async function revokeToken({ actor, id }: TRevokeTokenOptions) {
  const token = await change(async (tx) => {
    const before = await tx.apiToken.findUnique({ where: { id } });
    if (!before) throw new AppError("NOT_FOUND", "API token was not found.");
    if (before.revokedAt) throw new AppError("CONFLICT", "This API token is already revoked.");
    const t = await tx.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await appendAudit(tx, actor, { action: "token.revoke", targetType: "token", targetId: id, details: { name: t.name } });
    return t;
  });
  return toTokenDto(token);
}
