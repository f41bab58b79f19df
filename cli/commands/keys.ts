import { readFileSync, statSync } from "node:fs";
import { parseMasterKey } from "@/lib/server/secrets";
import { activateCommandKey } from "@/lib/server/services/fleet/activate-command-key";
import { stageCommandKey } from "@/lib/server/services/fleet/stage-command-key";
import { rotateMasterKey } from "@/lib/server/services/system/rotate-master-key";
import { cliActor } from "./cli-input";

/**
 * keys rotate-master --new-key-file F: re-seals every secret under the key in F. The key is read from a file so it
 * never appears on a command line, in shell history or in the process list; only its 8-digit id is printed.
 */
export async function rotateMasterKeyCommand(flags: Record<string, string | undefined>) {
  const file = flags["new-key-file"];
  if (!file) throw new Error("--new-key-file is required: a file holding the new master key (32 bytes, base64), as FLEETWARD_MASTER_KEY now holds it");
  let raw: string;
  try {
    raw = readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`--new-key-file ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (statSync(file).mode & 0o077) console.error(`warning: ${file} is readable by other users: chmod 600 it, or delete it once the rotation is done`);
  const newKey = parseMasterKey(raw, `--new-key-file ${file}`);
  const { keyId, counts, total } = await rotateMasterKey({ actor: cliActor(), newKey });
  console.log(`Re-sealed ${total} secret(s) under master key ${keyId} in one transaction:`);
  for (const [column, n] of Object.entries(counts)) console.log(`  ${column.padEnd(32)} ${n}`);
  console.log("Each value was checked to open under the new key. Next: restart every replica without FLEETWARD_MASTER_KEY_PREVIOUS.");
}

/** keys stage-command-key: a new command key; prints its public half for the agents' key files (it is public). */
export async function stageCommandKeyCommand() {
  const { publicPem, fingerprint, created } = await stageCommandKey({ actor: cliActor() });
  console.error(`${created ? "Staged a new" : "Already staged:"} command key ${fingerprint}. Append this public key to every agent's fleetwardPublicKeyFile`);
  console.error("(keep the current key there too; agents read the file again when it changes), then run `fleetward keys activate-command-key`:");
  process.stdout.write(publicPem);
}

/** keys activate-command-key: signs with the staged key from now on, once every broker's agent runs commands signed with it. */
export async function activateCommandKeyCommand() {
  const { fingerprint, previous, brokers } = await activateCommandKey({ actor: cliActor() });
  console.log(`Command key ${fingerprint} is in use (was ${previous}); all ${brokers} broker(s) ran a command signed with it.`);
  console.log("The old public key may now be removed from the agents' key files.");
}
