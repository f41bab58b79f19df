import "server-only";
import { createHash, randomBytes } from "node:crypto";

const PREFIX = "fwt_";

/** A new API token: 256 random bits. Only its SHA-256 is stored (it is random, so a slow hash adds nothing). */
export function generateApiToken(): { token: string; tokenHash: string; prefix: string } {
  const token = PREFIX + randomBytes(32).toString("base64url");
  return { token, tokenHash: hashApiToken(token), prefix: token.slice(0, PREFIX.length + 6) };
}

export const hashApiToken = (token: string) => createHash("sha256").update(token).digest("hex");

export const looksLikeApiToken = (value: string) => value.startsWith(PREFIX) && value.length < 200;
