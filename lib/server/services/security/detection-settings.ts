import "server-only";
import { detectionSettings, type TDetectionSettings } from "@/lib/domain/security/detection";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";

/** The detection rules' thresholds in force (defaults where none was tuned). */
export async function getDetectionSettings(): Promise<TDetectionSettings> {
  return detectionSettings((await db.fleetState.findUnique({ where: { id: 1 }, select: { detection: true } }))?.detection);
}

/** Replaces the thresholds; audited with before and after. */
export async function setDetectionSettings({ actor, input }: { actor: TActor; input: TDetectionSettings }): Promise<TDetectionSettings> {
  return change(async (tx) => {
    const before = detectionSettings((await tx.fleetState.findUnique({ where: { id: 1 }, select: { detection: true } }))?.detection);
    await tx.fleetState.upsert({ where: { id: 1 }, create: { id: 1, detection: input }, update: { detection: input } });
    await appendAudit(tx, actor, { action: "security.detection_update", targetType: "detection", details: { before, after: input } });
    return input;
  });
}
