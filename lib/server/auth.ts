import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { SESSION_ABSOLUTE_MS } from "@/lib/domain/session-policy";
import { oidcEnv } from "./env";
import { clientIp } from "./request-meta";
import { signInWithOidc } from "./services/auth/sign-in-with-oidc";
import { signInWithPassword } from "./services/auth/sign-in-with-password";

/** Shown on the login page: "locked:<minutes>", "second_factor", "second_factor_invalid" or the default invalid-credentials code. */
class SignInRefused extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

/** The OpenID Connect provider's id in next-auth's routes (/api/auth/signin/oidc, /api/auth/callback/oidc). */
export const OIDC_PROVIDER_ID = "oidc";

export const { handlers, auth, signOut } = NextAuth((request) => ({
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_ABSOLUTE_MS / 1000 },
  pages: { signIn: "/login", error: "/login" },
  logger: { error: (e) => { if (!(e instanceof CredentialsSignin)) console.error("[auth]", e.name, e.message); } },
  providers: [
    Credentials({
      credentials: { email: { label: "E-mail" }, password: { label: "Password", type: "password" }, code: { label: "Code" } },
      authorize: async (credentials, request) => {
        const r = await signInWithPassword({
          email: credentials?.email,
          password: credentials?.password,
          code: credentials?.code,
          ip: clientIp(request.headers),
          userAgent: request.headers.get("user-agent"),
        });
        if (!r.ok) throw new SignInRefused(r.reason === "locked" ? `locked:${r.minutes}` : r.reason);
        return { id: r.userId, email: r.email, name: r.name, sessionId: r.sessionId };
      },
    }),
    ...oidcProviders(),
  ],
  callbacks: {
    // After next-auth checked the provider's ID token (issuer, audience, expiry, nonce, with PKCE and state): its
    // signature is checked, the role mapping decides, and a server-side session opens as for a password.
    signIn: async ({ user, account, profile }) => {
      if (account?.provider !== OIDC_PROVIDER_ID) return true;
      const oidc = oidcEnv();
      if (!oidc || !profile) return false;
      const meta = { ip: request ? clientIp(request.headers) : "unknown", userAgent: request?.headers.get("user-agent") ?? null };
      const r = await signInWithOidc(oidc, profile as Record<string, unknown>, meta, account.id_token ?? null);
      if (!r.ok) return `/login?error=sso_${r.reason}`;
      Object.assign(user, { sessionId: r.sessionId, id: r.userId });
      return true;
    },
    // The cookie carries only the server-side session id; role and status are read fresh on every request.
    jwt: ({ token, user }) => {
      if (user && "sessionId" in user) return { sub: token.sub, sid: user.sessionId as string };
      return token;
    },
    session: ({ session, token }) => ({ ...session, sid: typeof token.sid === "string" ? token.sid : undefined }),
  },
}));

function oidcProviders() {
  const oidc = oidcEnv();
  if (!oidc) return [];
  return [
    {
      id: OIDC_PROVIDER_ID,
      name: oidc.name,
      type: "oidc" as const,
      issuer: oidc.issuer,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      checks: ["pkce", "state", "nonce"] as ("pkce" | "state" | "nonce")[],
      authorization: { params: { scope: oidc.scopes } },
      // The profile is the checked ID token's claims; the user is looked up or created in the signIn callback.
      profile: (claims: Record<string, unknown>) => ({ id: String(claims.sub), email: typeof claims.email === "string" ? claims.email : null }),
    },
  ];
}
