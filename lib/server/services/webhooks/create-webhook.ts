import "server-only";
import { randomBytes } from "node:crypto";
import type { TWebhookCreate } from "@/lib/schemas/webhook";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError } from "../../errors";
import { seal } from "../../secrets";
import { toWebhookDto, webhookSecretContext } from "./webhook-dto";

/** A new target; its signing key is generated, returned once and kept sealed. */
export async function createWebhook({ actor, input }: { actor: TActor; input: TWebhookCreate }) {
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  const id = crypto.randomUUID();
  const target = await change(async (tx) => {
    if (await tx.webhookTarget.findUnique({ where: { name: input.name }, select: { id: true } })) {
      throw new AppError("CONFLICT", "A webhook with this name exists.", { name: "is taken" });
    }
    const t = await tx.webhookTarget.create({
      data: { id, name: input.name, url: input.url, events: input.events, secretSealed: seal(secret, webhookSecretContext(id)), createdBy: actor.label },
    });
    await appendAudit(tx, actor, { action: "webhook.create", targetType: "webhook", targetId: id, details: { name: input.name, url: input.url, events: input.events } });
    return t;
  });
  return { webhook: toWebhookDto(target, null), secret };
}
