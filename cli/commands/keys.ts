import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseMasterKey } from "@/lib/server/secrets";
import { activateCommandKey } from "@/lib/server/services/fleet/activate-command-key";
import { issueServiceIdentities } from "@/lib/server/services/fleet/issue-service-identities";
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

/**
 * keys issue-service-identities --broker NAME --dir DIR: for a broker added by hand, the service CA's certificate
 * and a new admin and agent identity from it, written to DIR (keys mode 600). See README, "Reserved for Fleetward".
 */
export async function issueServiceIdentitiesCommand(flags: Record<string, string | undefined>) {
  if (!flags.broker || !flags.dir) throw new Error("--broker <name> and --dir <folder> are required");
  const { serviceCaPem, admin, agent } = await issueServiceIdentities({ actor: cliActor(), broker: flags.broker });
  const dir = path.resolve(flags.dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const write = (f: string, text: string, mode: number) => writeFileSync(path.join(dir, f), text, { mode, flag: "wx" });
  write("service-ca.crt", serviceCaPem, 0o644);
  write("admin.crt", admin.certPem, 0o644);
  write("admin.key", admin.keyPem, 0o600);
  write("agent.crt", agent.certPem, 0o644);
  write("agent.key", agent.keyPem, 0o600);
  console.log(`Wrote service-ca.crt, admin.crt/key and agent.crt/key (fleetward-agent-${flags.broker}) to ${dir}.`);
  console.log("Next: the admin listener's cafile -> service-ca.crt (restart the broker), the agent's certFile/keyFile -> agent.crt/key,");
  console.log("then PUT /api/v1/brokers/<id>/admin-identity with admin.crt and admin.key.");
}
