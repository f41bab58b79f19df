import "server-only";
import { createRemoteJWKSet, jwtVerify } from "jose";
import type { TOidcConfig } from "../../env";

let jwks: { issuer: string; set: ReturnType<typeof createRemoteJWKSet> } | null = null;

/** The provider's signing keys, from its discovery document's jwks_uri (fetched once, refreshed by jose when a key id is new). */
async function keysOf(oidc: TOidcConfig) {
  if (jwks?.issuer === oidc.issuer) return jwks.set;
  const res = await fetch(new URL(".well-known/openid-configuration", oidc.issuer.endsWith("/") ? oidc.issuer : `${oidc.issuer}/`), { signal: AbortSignal.timeout(5_000) });
  const doc = (await res.json()) as { jwks_uri?: string };
  if (!res.ok || typeof doc.jwks_uri !== "string") throw new Error(`the provider's discovery document names no jwks_uri (HTTP ${res.status})`);
  jwks = { issuer: oidc.issuer, set: createRemoteJWKSet(new URL(doc.jwks_uri), { timeoutDuration: 5_000 }) };
  return jwks.set;
}

/**
 * Checks the ID token's signature against the provider's published keys, with its issuer, audience and expiry.
 * next-auth (oauth4webapi) checks the claims and the nonce but, for a token taken straight from the token endpoint,
 * not the signature: this closes that gap. Returns the problem, or null.
 */
export async function idTokenProblem(oidc: TOidcConfig, idToken: unknown): Promise<string | null> {
  if (typeof idToken !== "string") return "no ID token";
  try {
    await jwtVerify(idToken, await keysOf(oidc), { issuer: oidc.issuer, audience: oidc.clientId, algorithms: ["RS256", "PS256", "ES256", "EdDSA"] });
    return null;
  } catch (e) {
    return e instanceof Error ? e.message.slice(0, 200) : "unverifiable";
  }
}
