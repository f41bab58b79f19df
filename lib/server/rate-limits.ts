import "server-only";
import { WindowCounter } from "@/lib/domain/rate-limit";
import { db } from "./db";
import { env } from "./env";
import type { TActor } from "./audit";
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

/** Counts an unknown or revoked token from this address. */
export async function countTokenFailure(ip: string): Promise<void> {
  await countInWindow(failureKey(ip), TOKEN_FAILURE_WINDOW_MS);
}

/** Forgets windows that ended (the worker's hourly housekeeping). */
export async function purgeEndedRateLimits(): Promise<number> {
  const { count } = await db.rateLimit.deleteMany({ where: { windowStart: { lt: new Date(Date.now() - TOKEN_FAILURE_WINDOW_MS) } } });
  return count;
}

// Ad hoc ACL evaluations (a policy sent to lint or simulate): bounded per principal, at once on this replica (what
// protects its evaluation threads, which are its own) and per minute in Postgres, so every replica counts together.
const globalForEvaluations = globalThis as unknown as { fleetwardAclEvaluations?: Map<string, number> };
const evaluationKey = (actor: TActor) => `acl-evaluations:${actor.type}:${actor.id ?? actor.label}`;

/** Reserves one evaluation for this principal, or throws 429 with Retry-After; call the returned function when done. */
export async function reserveAclEvaluation(actor: TActor): Promise<() => void> {
  const running = (globalForEvaluations.fleetwardAclEvaluations ??= new Map());
  const key = evaluationKey(actor);
  const { FLEETWARD_ACL_EVALUATIONS_AT_ONCE: atOnce, FLEETWARD_ACL_EVALUATIONS_PER_MINUTE: perMinute } = env();
  if ((running.get(key) ?? 0) >= atOnce) {
    throw new AppError("TOO_MANY_REQUESTS", `You are already running ${atOnce} ACL evaluations (lint or simulate) at once: retry when one has answered.`, undefined, 1);
  }
  running.set(key, (running.get(key) ?? 0) + 1);
  const release = () => {
    const left = (running.get(key) ?? 1) - 1;
    if (left > 0) running.set(key, left);
    else running.delete(key);
  };
  try {
    const { count, leftMs } = await countInWindow(key, MINUTE_MS);
    if (count > perMinute) {
      const wait = Math.max(1, Math.ceil(leftMs / 1000));
      throw new AppError("TOO_MANY_REQUESTS", `You ran more than ${perMinute} ACL evaluations (lint or simulate) in a minute: retry in ${wait} s.`, undefined, wait);
    }
  } catch (e) {
    release();
    throw e;
  }
  return release;
}

/** Counts one event under `key` in a fixed window, in one statement so concurrent replicas each count: the window's count and the ms left in it. */
async function countInWindow(key: string, windowMs: number): Promise<{ count: number; leftMs: number }> {
  const [row] = await db.$queryRaw<{ count: number; left_ms: number }[]>`
    INSERT INTO "RateLimit" ("key", "windowStart", "count") VALUES (${key}, now() AT TIME ZONE 'UTC', 1)
    ON CONFLICT ("key") DO UPDATE SET
      "count" = CASE WHEN "RateLimit"."windowStart" <= (now() AT TIME ZONE 'UTC') - ${windowMs} * interval '1 millisecond' THEN 1 ELSE "RateLimit"."count" + 1 END,
      "windowStart" = CASE WHEN "RateLimit"."windowStart" <= (now() AT TIME ZONE 'UTC') - ${windowMs} * interval '1 millisecond' THEN now() AT TIME ZONE 'UTC' ELSE "RateLimit"."windowStart" END
    RETURNING "count", (EXTRACT(EPOCH FROM ("windowStart" + ${windowMs} * interval '1 millisecond' - (now() AT TIME ZONE 'UTC'))) * 1000)::float8 AS left_ms`;
  return { count: row!.count, leftMs: row!.left_ms };
}
