import "server-only";
import { change } from "../../change";
import type { TUserCreate } from "@/lib/schemas/user";
import { appendAudit, type TActor } from "../../audit";
import { AppError } from "../../errors";
import { generatePassword, hashPassword } from "../../passwords";
import { toUserDto } from "./user-dto";

export type TCreateUserOptions = { actor: TActor; input: TUserCreate };

/** Creates a user with a generated password, returned here once and never stored in the clear. */
export async function createUser({ actor, input }: TCreateUserOptions) {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const user = await change(async (tx) => {
    if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
      throw new AppError("CONFLICT", `A user with e-mail ${input.email} already exists.`, { email: "is already in use" });
    }
    const u = await tx.user.create({ data: { email: input.email, name: input.name ?? null, role: input.role, passwordHash } });
    await appendAudit(tx, actor, {
      action: "user.create",
      targetType: "user",
      targetId: u.id,
      details: { after: { email: u.email, name: u.name, role: u.role } },
    });
    return u;
  });
  return { user: toUserDto(user), password };
}
