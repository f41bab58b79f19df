import { ZTokenCreate } from "@/lib/schemas/token";
import { createToken } from "@/lib/server/services/tokens/create-token";
import { cliActor, parseFlags } from "./cli-input";

/** Prints the token alone on the last line, so scripts can take it with `tail -n1`. */
export async function createTokenCommand(flags: Record<string, string | undefined>) {
  const input = parseFlags(ZTokenCreate, { name: flags.name, role: flags.role?.toUpperCase() });
  const { token, secret } = await createToken({ actor: cliActor(), input });
  console.log(`Created API token "${token.name}" with role ${token.role}. It is shown once; only its hash is stored:`);
  console.log(secret);
}
