import "server-only";
import { change } from "../../change";
import type { TTokenCreate } from "@/lib/schemas/token";
import { generateApiToken } from "../../api-tokens";
import { appendAudit, type TActor } from "../../audit";
import { AppError } from "../../errors";
import { toTokenDto } from "./token-dto";

export type TCreateTokenOptions = { actor: TActor; input: TTokenCreate };

/** Creates an API token; the secret is returned here once, only its hash is stored. */
export async function createToken({ actor, input }: TCreateTokenOptions) {
  const { token: secret, tokenHash, prefix } = generateApiToken();
  const token = await change(async (tx) => {
    if (await tx.apiToken.findUnique({ where: { name: input.name }, select: { id: true } })) {
      throw new AppError("CONFLICT", `An API token named "${input.name}" already exists.`, { name: "is already in use" });
    }
    const t = await tx.apiToken.create({ data: { name: input.name, role: input.role, tokenHash, prefix } });
    await appendAudit(tx, actor, {
      action: "token.create",
      targetType: "token",
      targetId: t.id,
      details: { after: { name: t.name, role: t.role, prefix } },
    });
    return t;
  });
  return { token: toTokenDto(token), secret };
}
