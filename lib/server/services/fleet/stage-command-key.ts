import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { db } from "../../db";
import { keyFingerprint, stagedCommandKey } from "./fleet-keys";

/**
 * First step of a command key rotation: a new Ed25519 key pair, its private half sealed, its public half to be added
 * to every agent's key file beside the current one. Staging again returns the same key until it is activated.
 */
export async function stageCommandKey({ actor }: { actor: TActor }): Promise<{ publicPem: string; fingerprint: string; created: boolean }> {
  const { publicPem, created } = await stagedCommandKey();
  const fingerprint = keyFingerprint(publicPem);
  if (created) {
    await db.$transaction((tx) => appendAudit(tx, actor, { action: "fleet.command_key_stage", targetType: "command_key", targetId: fingerprint, details: { after: { fingerprint } } }));
  }
  return { publicPem, fingerprint, created };
}
