import "server-only";
import { env } from "./env";

/**
 * The caller's IP. scripts/serve.mjs sets X-Forwarded-For from the socket (keeping a trusted proxy's chain),
 * so without a trusted proxy there is one entry; behind one, the client address the proxy saw comes first.
 */
export function clientIp(headers: Headers): string {
  const forwarded = (headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const ip = env().FLEETWARD_TRUST_PROXY ? forwarded[0] : forwarded.at(-1);
  return (ip ?? headers.get("x-real-ip") ?? "unknown").replace(/^::ffff:/, "").slice(0, 64);
}

export const userAgent = (headers: Headers) => headers.get("user-agent")?.slice(0, 512) ?? null;
