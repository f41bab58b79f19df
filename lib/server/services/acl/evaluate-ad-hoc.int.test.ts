import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "../../errors";
import { disconnectDb } from "../../db";
import { env } from "../../env";
import { reserveAclEvaluation } from "../../rate-limits";
import type { TActor } from "../../audit";
import { unique } from "../../testing/fixtures";
import { lintAcl } from "./lint-acl";

afterAll(() => disconnectDb());

const reader = (): TActor => ({ type: "token", id: `token-${unique()}`, label: `reader-${unique()}`, ip: "192.0.2.10", userAgent: "vitest" });
const rules = (n: number, r: number) => Array.from({ length: n }, (_, i) => ({ acltype: "publishClientSend" as const, topic: `p/${r}/${i}`, priority: 0, allow: true }));
const policy = (roles: number, perRole: number) => ({ roles: Array.from({ length: roles }, (_, r) => ({ rolename: `r${r}`, acls: rules(perRole, r) })), groups: [], defaultACLAccess: { publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: false } });

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe("ad hoc ACL evaluation limits", () => {
  it("refuses a policy over 10,000 rules with 422 naming the field, the count and the bounds, before counting it", async () => {
    const actor = reader();
    const e = await refusal(lintAcl({ actor, policy: policy(12, 1_000) }));
    expect(e.status).toBe(422);
    expect(e.fields?.roles).toBe("hold 12000 rules in all: the linter and the simulator take at most 10,000 rules, 10,000 group roles and 1 MB per request");
    expect(e.message).toMatch(/^Invalid body: roles hold 12000 rules/);
    // Refused input is not an evaluation: the principal still has all of its own.
    const held = await Promise.all(Array.from({ length: env().FLEETWARD_ACL_EVALUATIONS_AT_ONCE }, () => reserveAclEvaluation(actor)));
    held.forEach((release) => release());
  });

  it("lets a principal run only so many at once on a replica (429, retry in 1 s), others unaffected", async () => {
    const actor = reader();
    const atOnce = env().FLEETWARD_ACL_EVALUATIONS_AT_ONCE;
    const held = await Promise.all(Array.from({ length: atOnce }, () => reserveAclEvaluation(actor)));
    const e = await refusal(reserveAclEvaluation(actor));
    expect(e.status).toBe(429);
    expect(e.retryAfterSeconds).toBe(1);
    expect(e.message).toContain(`already running ${atOnce} ACL evaluations`);
    (await reserveAclEvaluation(reader()))();
    held[0]!();
    (await reserveAclEvaluation(actor))();
    held.slice(1).forEach((release) => release());
  });

  it("counts a principal's evaluations per minute in Postgres (every replica's together): past the allowance, 429 with the seconds left", async () => {
    const actor = reader();
    const perMinute = env().FLEETWARD_ACL_EVALUATIONS_PER_MINUTE;
    const atOnce = env().FLEETWARD_ACL_EVALUATIONS_AT_ONCE;
    // Waves of as many as may run at once, until the minute's allowance is used up.
    for (let done = 0; done < perMinute; done += atOnce) {
      const wave = await Promise.all(Array.from({ length: Math.min(atOnce, perMinute - done) }, () => reserveAclEvaluation(actor)));
      wave.forEach((release) => release());
    }
    const e = await refusal(reserveAclEvaluation(actor));
    expect(e.status).toBe(429);
    expect(e.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(e.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(e.message).toContain(`more than ${perMinute} ACL evaluations (lint or simulate) in a minute`);
    // A refused evaluation does not keep its place among those running: the refusal stays the minute's.
    for (let i = 0; i <= atOnce; i++) expect((await refusal(reserveAclEvaluation(actor))).message).toContain("in a minute");
  });
});
