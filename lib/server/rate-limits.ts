import "server-only";
import { WindowCounter } from "@/lib/domain/rate-limit";
import { db } from "./db";
import { env } from "./env";
import { AppError } from "./errors";

const MINUTE_MS = 60_000;
/** Unknown API tokens are counted per client address over this window, in Postgres so every replica agrees. */
export const TOKEN_FAILURE_WINDOW_MS = 10 * MINUTE_MS;

const globalForLimits = globalThis as unknown as { fleetwardTokenRequests?: WindowCounter };

/**
 * Counts one request by this API token in this replica. Each replica counts its own: behind N replicas a token gets
 * up to N times the limit, as with a per-node limit in a load balancer (the cost of not writing to Postgres on
 * every request).
 */
export function countTokenRequest(tokenId: string): void {
  const counter = (globalForLimits.fleetwardTokenRequests ??= new WindowCounter(env().FLEETWARD_API_RATE_LIMIT, MINUTE_MS));
  const wait = counter.hit(tokenId, Date.now());
  if (wait !== null) {
    throw new AppError("TOO_MANY_REQUESTS", `This API token made more than ${env().FLEETWARD_API_RATE_LIMIT} requests in a minute: retry in ${wait} s.`, undefined, wait);
  }
}

const failureKey = (ip: string) => `token-failures:${ip}`;

/** Refuses an address that sent too many unknown or revoked tokens lately, before its token is even looked up. */
export async function refuseTokenGuessing(ip: string): Promise<void> {
  const row = await db.rateLimit.findUnique({ where: { key: failureKey(ip) } });
  if (!row || row.count < env().FLEETWARD_API_AUTH_FAILURES_PER_IP) return;
  const left = row.windowStart.getTime() + TOKEN_FAILURE_WINDOW_MS - Date.now();
  if (left <= 0) return;
  const wait = Math.ceil(left / 1000);
  throw new AppError("TOO_MANY_REQUESTS", `Too many requests with an invalid API token from this address: retry in ${Math.ceil(wait / 60)} minute(s).`, undefined, wait);
}

/** Counts an unknown or revoked token from this address (one statement, so concurrent replicas count each). */
export async function countTokenFailure(ip: string): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (${failureKey(ip)}, now() AT TIME ZONE 'UTC', 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" <= (now() AT TIME ZONE 'UTC') - ${TOKEN_FAILURE_WINDOW_MS} * interval '1 millisecond' THEN 1 ELSE "RateLimit"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimit"."windowStart" <= (now() AT TIME ZONE 'UTC') - ${TOKEN_FAILURE_WINDOW_MS} * interval '1 millisecond' THEN now() AT TIME ZONE 'UTC' ELSE "RateLimit"."windowStart" END`;
}

/** Forgets windows that ended (the worker's hourly housekeeping). */
export async function purgeEndedRateLimits(): Promise<number> {
  const { count } = await db.rateLimit.deleteMany({ where: { windowStart: { lt: new Date(Date.now() - TOKEN_FAILURE_WINDOW_MS) } } });
  return count;
}
