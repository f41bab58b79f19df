// fleetward <area> <verb> [--flag value]: what is not a page.
import { parseArgs } from "node:util";
import { disconnectDb } from "@/lib/server/db";
import { createTokenCommand } from "./commands/token-create";
import { createUserCommand, ensureAdminCommand } from "./commands/user-create";

type TCommand = (flags: Record<string, string | undefined>) => Promise<void>;

const COMMANDS: Record<string, { run: TCommand; usage: string }> = {
  "user create": { run: createUserCommand, usage: "user create --email E --role ADMIN|OPERATOR|AUDITOR [--name N]" },
  "user ensure-admin": { run: ensureAdminCommand, usage: "user ensure-admin   (creates the first admin if there is none)" },
  "token create": { run: createTokenCommand, usage: "token create --name N --role ADMIN|OPERATOR|AUDITOR" },
};

function usage(): string {
  return ["usage: fleetward <command>", ...Object.values(COMMANDS).map((c) => `  fleetward ${c.usage}`)].join("\n");
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" }, help: { type: "boolean" } },
  });
  const command = COMMANDS[positionals.slice(0, 2).join(" ")];
  if (!command || values.help) {
    console.error(usage());
    return values.help ? 0 : 2;
  }
  await command.run({ email: values.email, role: values.role, name: values.name });
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
