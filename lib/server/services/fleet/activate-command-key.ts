import "server-only";
import { appendAudit, type TActor } from "../../audit";
import { db } from "../../db";
import { AppError } from "../../errors";
import { seal, unseal } from "../../secrets";
import { mosquittoDriver } from "@/lib/fleet/mosquitto-driver";
import { endpointOf } from "../brokers/broker-driver-for";
import { fleetSecretContext, keyFingerprint, SIGNING, SIGNING_NEXT } from "./fleet-keys";
import { signAgentCommand } from "./sign-agent-command";

/**
 * Last step of a command key rotation: every broker's agent is asked to run a ping signed with the staged key; only
 * when all of them do does the staged key replace the one in use (re-sealed under its new name), so no broker is
 * ever sent commands it refuses. Afterwards the old public key can be removed from the agents' key files.
 */
export async function activateCommandKey({ actor }: { actor: TActor }): Promise<{ fingerprint: string; previous: string; brokers: number }> {
  const staged = await db.fleetSecret.findUnique({ where: { name: SIGNING_NEXT } });
  if (!staged) throw new AppError("CONFLICT", "No command key is staged: stage one first (fleetward keys stage-command-key).");
  const privatePem = unseal(staged.sealed, fleetSecretContext(SIGNING_NEXT));
  const fingerprint = keyFingerprint(staged.publicPem);

  const brokers = await db.broker.findMany({ orderBy: { name: "asc" } });
  const refusals = (
    await Promise.all(
      brokers.map(async (b) => {
        try {
          await mosquittoDriver(endpointOf(b), (name, cmd) => signAgentCommand(name, cmd, privatePem)).probe();
          return null;
        } catch (e) {
          return `${b.name} (${e instanceof Error ? e.message : String(e)})`;
        }
      }),
    )
  ).filter((r): r is string => r !== null);
  if (refusals.length) {
    await db.$transaction((tx) =>
      appendAudit(tx, actor, { action: "fleet.command_key_activate_refused", targetType: "command_key", targetId: fingerprint, details: { brokers: refusals.length } }),
    );
    throw new AppError(
      "CONFLICT",
      `${refusals.length} of ${brokers.length} broker(s) do not run commands signed with the staged key ${fingerprint} yet; add its public key to their agents' fleetwardPublicKeyFile: ${refusals.join("; ")}`,
    );
  }

  return db.$transaction(async (tx) => {
    // The rows are locked so two activations cannot both swap; the staged key must still be the one tested.
    const rows = await tx.$queryRawUnsafe<{ name: string; publicPem: string }[]>(
      `SELECT name, "publicPem" FROM "FleetSecret" WHERE name = ANY($1::text[]) FOR UPDATE`,
      [SIGNING, SIGNING_NEXT],
    );
    const next = rows.find((r) => r.name === SIGNING_NEXT);
    if (next?.publicPem !== staged.publicPem) throw new AppError("CONFLICT", "The staged command key changed meanwhile: activate again.");
    const current = rows.find((r) => r.name === SIGNING);
    const previous = current ? keyFingerprint(current.publicPem) : "none";
    const sealed = seal(privatePem, fleetSecretContext(SIGNING));
    await tx.fleetSecret.upsert({ where: { name: SIGNING }, update: { publicPem: staged.publicPem, sealed }, create: { name: SIGNING, publicPem: staged.publicPem, sealed } });
    await tx.fleetSecret.delete({ where: { name: SIGNING_NEXT } });
    await appendAudit(tx, actor, {
      action: "fleet.command_key_activate",
      targetType: "command_key",
      targetId: fingerprint,
      details: { before: { fingerprint: previous }, after: { fingerprint }, brokersChecked: brokers.length },
    });
    return { fingerprint, previous, brokers: brokers.length };
  });
}
