import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError } from "../../errors";
import { toFindingDto } from "./find-findings";

/** Marks an open finding resolved (the rule opens a new one if it fires again), audited with the note. */
export async function resolveFinding({ actor, id, note }: { actor: TActor; id: string; note?: string }) {
  return change(async (tx) => {
    const f = await tx.securityFinding.findUnique({ where: { id } });
    if (!f) throw new AppError("NOT_FOUND", "Finding was not found.");
    if (f.resolvedAt) throw new AppError("CONFLICT", `The finding was already resolved by ${f.resolvedBy ?? "someone"}.`);
    const done = await tx.securityFinding.update({ where: { id }, data: { resolvedAt: new Date(), resolvedBy: actor.label } });
    await appendAudit(tx, actor, { action: "security.finding_resolve", targetType: "finding", targetId: id, details: { rule: f.rule, subject: f.subject, note: note ?? null } });
    return toFindingDto(done);
  });
}
