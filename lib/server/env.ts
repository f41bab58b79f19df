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
  /** Ad hoc ACL evaluations (lint, simulate) one user or token may run at once on one replica. */
  FLEETWARD_ACL_EVALUATIONS_AT_ONCE: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").default(4),
  /** Ad hoc ACL evaluations one user or token may run in a minute, across replicas. */
  FLEETWARD_ACL_EVALUATIONS_PER_MINUTE: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").default(60),
});

export type TServerEnv = z.infer<typeof ZServerEnv>;

/** Single sign-on through an OpenID Connect provider: on when FLEETWARD_OIDC_ISSUER is set. */
const ZOidcEnv = z.object({
  FLEETWARD_OIDC_ISSUER: z.url({ error: "must be the provider's issuer URL" }).optional(),
  FLEETWARD_OIDC_CLIENT_ID: z.string().min(1, "must not be empty").optional(),
  FLEETWARD_OIDC_CLIENT_SECRET: z.string().min(1, "must not be empty").optional(),
  FLEETWARD_OIDC_SCOPES: z.string().default("openid email profile groups"),
  /** The ID token claim that lists the user's groups (or roles). */
  FLEETWARD_OIDC_GROUPS_CLAIM: z.string().min(1, "must not be empty").default("groups"),
  /** What the login page's button says: "Sign in with …". */
  FLEETWARD_OIDC_NAME: z.string().min(1, "must not be empty").max(60, "must be at most 60 characters").default("single sign-on"),
});

export type TOidcConfig = { issuer: string; clientId: string; clientSecret: string; scopes: string; groupsClaim: string; name: string };
let oidc: TOidcConfig | null | undefined;

/** The single sign-on settings, or null when it is off. An issuer without a client id and secret is a configuration error. */
export function oidcEnv(): TOidcConfig | null {
  if (oidc !== undefined) return oidc;
  const e = parse(ZOidcEnv);
  if (!e.FLEETWARD_OIDC_ISSUER) return (oidc = null);
  if (!e.FLEETWARD_OIDC_CLIENT_ID || !e.FLEETWARD_OIDC_CLIENT_SECRET) {
    throw new Error("Fleetward configuration is invalid:\n  FLEETWARD_OIDC_CLIENT_ID and FLEETWARD_OIDC_CLIENT_SECRET are required with FLEETWARD_OIDC_ISSUER");
  }
  // The redirect URI the provider has registered is <AUTH_URL>/api/auth/callback/oidc: it must not depend on a Host header.
  if (!URL.canParse(process.env.AUTH_URL ?? "")) {
    throw new Error("Fleetward configuration is invalid:\n  AUTH_URL is required with FLEETWARD_OIDC_ISSUER: the dashboard's public URL (e.g. https://fleetward.example.com)");
  }
  return (oidc = { issuer: e.FLEETWARD_OIDC_ISSUER, clientId: e.FLEETWARD_OIDC_CLIENT_ID, clientSecret: e.FLEETWARD_OIDC_CLIENT_SECRET, scopes: e.FLEETWARD_OIDC_SCOPES, groupsClaim: e.FLEETWARD_OIDC_GROUPS_CLAIM, name: e.FLEETWARD_OIDC_NAME });
}

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
