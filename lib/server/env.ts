import "server-only";
import { z } from "zod";

const ZDbEnv = z.object({
  DATABASE_URL: z
    .string({ error: "is not set: point it at Postgres, or start Fleetward with `npm run quickstart`" })
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL"),
});

const ZServerEnv = ZDbEnv.extend({
  AUTH_SECRET: z
    .string({ error: "is not set: generate one with `openssl rand -base64 33`" })
    .min(32, "must be at least 32 characters of random data"),
  FLEETWARD_TRUST_PROXY: z
    .enum(["true", "false"], { error: "must be true or false" })
    .default("false")
    .transform((v) => v === "true"),
  /** Requests per minute one API token may make to one replica (429 beyond, with Retry-After). */
  FLEETWARD_API_RATE_LIMIT: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").default(6_000),
  /** Requests with an unknown or revoked API token one client address may make in 10 minutes, across replicas. */
  FLEETWARD_API_AUTH_FAILURES_PER_IP: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").default(30),
});

export type TServerEnv = z.infer<typeof ZServerEnv>;

function parse<T extends z.ZodType>(schema: T): z.output<T> {
  const parsed = schema.safeParse(process.env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")} ${i.message}`);
  throw new Error(`Fleetward configuration is invalid:\n${lines.join("\n")}`);
}

let server: TServerEnv | undefined;
let database: z.output<typeof ZDbEnv> | undefined;

/** The web server's configuration, validated once; a bad or missing variable stops it with the name and reason. */
export const env = (): TServerEnv => (server ??= parse(ZServerEnv));

/** What the CLI needs: only the database. */
export const dbEnv = () => (database ??= parse(ZDbEnv));
