import "server-only";
import { randomBytes } from "node:crypto";
import type { TContentKeyCreate, TContentKeyCreated } from "@/lib/schemas/signing";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError } from "../../errors";
import { seal } from "../../secrets";
import { CONTENT_KEY_INCLUDE, contentKeyContext, toContentKeyDto } from "./content-key-dto";
import { signingChanged } from "./signing-key-dto";

/** A payload encryption key for one device or one group: 256 random bits, sealed at rest, returned once. */
export async function issueContentKey({ actor, input }: { actor: TActor; input: TContentKeyCreate }): Promise<TContentKeyCreated> {
  const id = `ck_${randomBytes(12).toString("base64url")}`;
  const secret = randomBytes(32).toString("base64url");
  return change(async (tx) => {
    const device = input.clientId !== undefined ? await tx.device.findUnique({ where: { clientId: input.clientId }, select: { id: true } }) : null;
    const group = input.groupname !== undefined ? await tx.aclGroup.findUnique({ where: { name: input.groupname }, select: { id: true } }) : null;
    if (input.clientId !== undefined && !device) throw new AppError("UNPROCESSABLE", `No device has client id ${input.clientId}.`, { clientId: "is not a device" });
    if (input.groupname !== undefined && !group) throw new AppError("UNPROCESSABLE", `No group is named ${input.groupname}.`, { groupname: "is not a group" });
    const row = await tx.contentKey.create({
      data: { id, name: input.name, deviceId: device?.id ?? null, groupId: group?.id ?? null, keySealed: seal(secret, contentKeyContext(id)), createdBy: actor.label },
      include: CONTENT_KEY_INCLUDE,
    });
    await signingChanged(tx);
    const key = toContentKeyDto(row);
    await appendAudit(tx, actor, { action: "content_key.issue", targetType: "content_key", targetId: id, details: { name: input.name, scope: key.scope } });
    const example = `node examples/signed-publisher.mjs ... --content-kid ${id} --content-key-file ${id}.key`;
    return { key, secret: { contentKey: secret }, example };
  });
}
