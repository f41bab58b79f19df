import "server-only";
import { signedTopicsOf, normaliseSignedTopics, type TSignedTopic } from "@/lib/domain/message-signing";
import type { TSignedTopics } from "@/lib/schemas/signing";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";
import { signingChanged } from "./signing-key-dto";

/** The topic filters whose messages Fleetward verifies. */
export async function getSignedTopics(): Promise<{ topics: TSignedTopic[] }> {
  return { topics: signedTopicsOf((await db.fleetState.findUnique({ where: { id: 1 }, select: { signedTopics: true } }))?.signedTopics) };
}

/** Replaces the verified topic filters; audited with before and after. */
export async function setSignedTopics({ actor, input }: { actor: TActor; input: TSignedTopics }): Promise<{ topics: TSignedTopic[] }> {
  const topics = normaliseSignedTopics(input.topics);
  return change(async (tx) => {
    const before = signedTopicsOf((await tx.fleetState.findUnique({ where: { id: 1 }, select: { signedTopics: true } }))?.signedTopics);
    await signingChanged(tx);
    await tx.fleetState.update({ where: { id: 1 }, data: { signedTopics: topics } });
    await appendAudit(tx, actor, { action: "signing.topics_update", targetType: "signing", details: { before, after: topics } });
    return { topics };
  });
}
