import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError } from "../../errors";

/** Removes a target with its deliveries (pending ones are not sent). */
export async function deleteWebhook({ actor, id }: { actor: TActor; id: string }) {
  return change(async (tx) => {
    const t = await tx.webhookTarget.findUnique({ where: { id } });
    if (!t) throw new AppError("NOT_FOUND", "Webhook was not found.");
    await tx.webhookTarget.delete({ where: { id } });
    await appendAudit(tx, actor, { action: "webhook.delete", targetType: "webhook", targetId: id, details: { name: t.name, url: t.url } });
    return { deleted: true };
  });
}
