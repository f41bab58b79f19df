import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { clientIp } from "./request-meta";
import { SESSION_ABSOLUTE_MS } from "@/lib/domain/session-policy";
import { signInWithPassword } from "./services/auth/sign-in-with-password";

/** Shown on the login page: "locked:<minutes>", "second_factor", "second_factor_invalid" or the default invalid-credentials code. */
class SignInRefused extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

export const { handlers, auth, signOut } = NextAuth({
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
  ],
  callbacks: {
    // The cookie carries only the server-side session id; role and status are read fresh on every request.
    jwt: ({ token, user }) => {
      if (user && "sessionId" in user) return { sub: token.sub, sid: user.sessionId as string };
      return token;
    },
    session: ({ session, token }) => ({ ...session, sid: typeof token.sid === "string" ? token.sid : undefined }),
  },
});
