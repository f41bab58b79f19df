import { ZUserCreate } from "@/lib/schemas/user";
import { db } from "@/lib/server/db";
import { createUser } from "@/lib/server/services/users/create-user";
import { cliActor, parseFlags } from "./cli-input";

const defined = (o: Record<string, string | undefined>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export async function createUserCommand(flags: Record<string, string | undefined>) {
  const input = parseFlags(ZUserCreate, defined({ email: flags.email, role: flags.role?.toUpperCase(), name: flags.name }));
  const { user, password } = await createUser({ actor: cliActor(), input });
  console.log(`Created ${user.role} ${user.email}. Password (shown once):`);
  console.log(password);
}

/** First run: make an admin when there is none, and print its credentials once. */
export async function ensureAdminCommand() {
  const admins = await db.user.count({ where: { role: "ADMIN", disabled: false } });
  if (admins > 0) {
    console.log(`An admin exists already (${admins} active). Sign in with your admin account.`);
    return;
  }
  const email = (await db.user.findUnique({ where: { email: "admin@fleetward.local" } })) ? `admin-${Date.now()}@fleetward.local` : "admin@fleetward.local";
  const { user, password } = await createUser({ actor: cliActor(), input: { email, role: "ADMIN", name: "First admin" } });
  console.log("First admin created. Sign in with (shown once, store it in your password manager):");
  console.log(`  e-mail:   ${user.email}`);
  console.log(`  password: ${password}`);
}
