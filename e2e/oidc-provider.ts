// A real OpenID Connect provider on a loopback port for the single sign-on specs: the certified `oidc-provider`
// package with its development login form (any login; the password is not checked), our own signing key, and a
// switch that makes its token endpoint hand out a bad ID token (re-signed with altered claims, or another key, or
// an earlier one), as an attacker in the middle or a broken provider would.
import { createServer } from "node:http";
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import Provider from "oidc-provider";

export const OIDC_CLIENT = { id: "fleetward", secret: "client-secret-for-the-test-provider" };

export type TTokenMode = "pass" | "wrong-issuer" | "wrong-audience" | "bad-signature" | "expired" | "replay";

export async function startOidcProvider(port: number, redirectUri: string, groupsOf: (login: string) => string[]) {
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const other = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(privateKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const provider = new Provider(issuer, {
    clients: [{ client_id: OIDC_CLIENT.id, client_secret: OIDC_CLIENT.secret, redirect_uris: [redirectUri], grant_types: ["authorization_code"], response_types: ["code"] }],
    jwks: { keys: [jwk] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    conformIdTokenClaims: false,
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, email: `${sub}@corp.example`, email_verified: true, name: sub, groups: groupsOf(sub) }) }),
    features: { devInteractions: { enabled: true } },
  });
  let mode: TTokenMode = "pass";
  let lastGood: string | null = null;
  const resign = (claims: Record<string, unknown>, key: CryptoKey = privateKey) => new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "test-key" }).sign(key);
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path !== "/token" || !body?.id_token) return;
    const claims = decodeJwt(body.id_token);
    const now = Math.floor(Date.now() / 1000);
    if (mode === "pass") lastGood = body.id_token;
    else if (mode === "wrong-issuer") body.id_token = await resign({ ...claims, iss: "http://127.0.0.1:1/not-the-issuer" });
    else if (mode === "wrong-audience") body.id_token = await resign({ ...claims, aud: "another-client" });
    else if (mode === "expired") body.id_token = await resign({ ...claims, iat: now - 7_200, exp: now - 3_600 });
    else if (mode === "bad-signature") body.id_token = await resign(claims, other.privateKey);
    else if (mode === "replay" && lastGood) body.id_token = lastGood;
  });
  const server = createServer(provider.callback()).listen(port, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return {
    issuer,
    setMode: (m: TTokenMode) => void (mode = m),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
