// fleetward <area> <verb> [--flag value]: what is not a page.
import { parseArgs } from "node:util";
import { disconnectDb } from "@/lib/server/db";
import { agentCommand } from "./commands/agent";
import { auditCheckpointCommand, auditVerifyCommand } from "./commands/audit";
import { fleetDownCommand, fleetUpCommand } from "./commands/fleet";
import { activateCommandKeyCommand, issueServiceIdentitiesCommand, rotateMasterKeyCommand, stageCommandKeyCommand } from "./commands/keys";
import { queuesEnsureCommand } from "./commands/queues";
import { createTokenCommand } from "./commands/token-create";
import { workerCommand } from "./commands/worker";
import { createUserCommand, ensureAdminCommand } from "./commands/user-create";

type TCommand = (flags: Record<string, string | undefined>) => Promise<void>;

const COMMANDS: Record<string, { run: TCommand; usage: string }> = {
  "user create": { run: createUserCommand, usage: "user create --email E --role ADMIN|OPERATOR|AUDITOR [--name N]" },
  "user ensure-admin": { run: ensureAdminCommand, usage: "user ensure-admin   (creates the first admin if there is none)" },
  "token create": { run: createTokenCommand, usage: "token create --name N --role ADMIN|OPERATOR|AUDITOR" },
  "fleet up": { run: fleetUpCommand, usage: "fleet up [--brokers 3] [--prefix demo] [--dir .data/fleet] [--enforcement files|plugin]   (local Mosquitto brokers + agents)" },
  "fleet down": { run: fleetDownCommand, usage: "fleet down [--dir .data/fleet]" },
  "keys rotate-master": { run: rotateMasterKeyCommand, usage: "keys rotate-master --new-key-file <file>   (re-seals every secret under the new master key)" },
  "keys stage-command-key": { run: stageCommandKeyCommand, usage: "keys stage-command-key   (a new agent command key; prints its public key for the agents)" },
  "keys activate-command-key": { run: activateCommandKeyCommand, usage: "keys activate-command-key   (signs with the staged key once every agent accepts it)" },
  "keys issue-service-identities": { run: issueServiceIdentitiesCommand, usage: "keys issue-service-identities --broker <name> --dir <folder>   (admin + agent certificates from the service CA, for a broker added by hand)" },
  "audit checkpoint": { run: auditCheckpointCommand, usage: "audit checkpoint   (records the audit chain's head now, outside the database)" },
  "audit verify": { run: auditVerifyCommand, usage: "audit verify   (checks the audit chain and its newest checkpoint; exit 1 when broken)" },
  "queues ensure": { run: queuesEnsureCommand, usage: "queues ensure   (pg-boss schema and queues; part of migrating)" },
  worker: { run: workerCommand, usage: "worker   (sync jobs and broker monitor; run one or more)" },
  agent: { run: agentCommand, usage: "agent --broker-config <file>   (runs beside a broker)" },
};

function usage(): string {
  return ["usage: fleetward <command>", ...Object.values(COMMANDS).map((c) => `  fleetward ${c.usage}`)].join("\n");
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      email: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
      brokers: { type: "string" },
      prefix: { type: "string" },
      dir: { type: "string" },
      enforcement: { type: "string" },
      broker: { type: "string" },
      "broker-config": { type: "string" },
      "new-key-file": { type: "string" },
      help: { type: "boolean" },
    },
  });
  const command = COMMANDS[positionals.slice(0, 2).join(" ")] ?? COMMANDS[positionals[0] ?? ""];
  if (!command || values.help) {
    console.error(usage());
    return values.help ? 0 : 2;
  }
  const { help: _help, ...flags } = values;
  await command.run(flags);
  return 0;
}

main()
  .catch((e: unknown) => {
    console.error(`fleetward: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  })
  .then(async (code) => {
    await disconnectDb();
    process.exit(code);
  });
