import "server-only";
import { randomUUID } from "node:crypto";
import { signCommand, type TAgentCommand, type TSignedCommand } from "@/lib/domain/agent-command";
import { db } from "../../db";
import { commandSigningKey } from "./fleet-keys";

/**
 * Signs a command for a broker's agent with the next number of the shared sequence (replay guard), with the
 * command key in use or, to test a staged one, that key.
 */
export async function signAgentCommand(broker: string, command: TAgentCommand, privatePem?: string): Promise<TSignedCommand> {
  const [row] = await db.$queryRawUnsafe<{ seq: bigint }[]>("SELECT nextval('agent_command_seq') AS seq");
  const key = privatePem ?? (await commandSigningKey()).privatePem;
  return signCommand({ ...command, id: randomUUID(), seq: String(row!.seq), issuedAt: Date.now(), broker }, key);
}
