import os from "node:os";
import type { z } from "zod";
import type { TActor } from "@/lib/server/audit";
import { fieldErrors } from "@/lib/server/parse-input";

/** The audit actor for commands run on the server itself. */
export const cliActor = (): TActor => ({
  type: "system",
  id: null,
  label: `cli:${os.userInfo().username}`,
  ip: null,
  userAgent: "fleetward-cli",
});

/** Validates flags with the same schema as the API; a bad flag is named with the reason. */
export function parseFlags<T extends z.ZodType>(schema: T, flags: unknown): z.output<T> {
  const r = schema.safeParse(flags);
  if (r.success) return r.data;
  const reasons = Object.entries(fieldErrors(r.error)).map(([f, why]) => `--${f} ${why}`);
  throw new Error(reasons.join("; "));
}
