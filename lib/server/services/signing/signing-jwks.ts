import "server-only";
import { createPublicKey } from "node:crypto";
import { db } from "../../db";

/** The active Ed25519 signing keys as a JWK set: what a consumer needs to verify signed messages itself. */
export async function signingJwks() {
  const keys = await db.signingKey.findMany({ where: { algorithm: "EdDSA", revokedAt: null }, orderBy: { createdAt: "asc" }, include: { device: { select: { clientId: true } } } });
  return {
    keys: keys.map((k) => {
      const jwk = createPublicKey(k.publicKeyPem!).export({ format: "jwk" }) as { x: string };
      return { kty: "OKP" as const, crv: "Ed25519" as const, x: jwk.x, kid: k.id, alg: "EdDSA" as const, use: "sig" as const, sub: k.device.clientId };
    }),
  };
}
