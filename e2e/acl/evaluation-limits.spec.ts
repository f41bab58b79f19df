import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { unique } from "../fixtures";
import { startServer } from "../server";

// What one read-only principal may ask of the linter and the simulator: a bounded policy per request, a few at once
// and so many a minute. Once, 12 roles of 1,000 rules held the server's only thread for seconds.

/** A read-only API token of its own, so its counts are its own. */
const readerToken = () =>
  execFileSync("node", ["bin/fleetward.mjs", "token", "create", "--name", `acl-eval-${unique()}`, "--role", "AUDITOR"], { encoding: "utf8" }).trim().split("\n").at(-1)!;

const policy = (roles: number, perRole: number) => ({
  roles: Array.from({ length: roles }, (_, r) => ({ rolename: `r${r}`, acls: Array.from({ length: perRole }, (_, i) => ({ acltype: "publishClientSend", topic: `p/${r}/${i}`, priority: i % 7, allow: i % 3 !== 0 })) })),
  client: { username: "c", roles: [{ rolename: "r0" }] },
});
const decide = { action: "publish", topic: "p/0/1" };

test("a policy larger than one request may evaluate is refused: 422 naming the field, the count and the bounds; over 1 MB, 413", async ({ request }) => {
  // Near-megabyte bodies, each validated by its schema: seconds on a loaded machine.
  test.setTimeout(120_000);
  const headers = { authorization: `Bearer ${readerToken()}` };
  for (const [path, extra] of [["/api/v1/acl/lint", {}], ["/api/v1/acl/simulate", decide]] as const) {
    const res = await request.post(path, { headers, data: { ...policy(12, 1_000), ...extra } });
    expect(res.status(), path).toBe(422);
    const { error } = (await res.json()) as { error: { code: string; message: string; fields: Record<string, string> } };
    expect(error.code).toBe("UNPROCESSABLE");
    expect(error.fields).toEqual({ roles: "hold 12000 rules in all: the linter and the simulator take at most 10,000 rules, 10,000 group roles and 1 MB per request" });
    expect(error.message).toMatch(/^Invalid body: roles hold 12000 rules in all/);
  }
  const groups = Array.from({ length: 11 }, (_, g) => ({ groupname: `g${g}`, roles: Array.from({ length: 1_000 }, (_, i) => ({ rolename: `x${i}` })) }));
  const fanOut = await request.post("/api/v1/acl/simulate", { headers, data: { ...policy(1, 1), groups, ...decide } });
  expect(fanOut.status()).toBe(422);
  expect(((await fanOut.json()) as { error: { fields: Record<string, string> } }).error.fields.groups).toMatch(/^give 11000 roles in all: /);
  // The largest policy within the bounds is evaluated.
  expect((await request.post("/api/v1/acl/lint", { headers, data: policy(10, 1_000) })).status()).toBe(200);
  const huge = await request.post("/api/v1/acl/lint", { headers, data: policy(16, 1_000) });
  expect(huge.status()).toBe(413);
  expect(((await huge.json()) as { error: { fields: Record<string, string> } }).error.fields).toEqual({ body: "is larger than 1000000 bytes" });
});

test("one principal's evaluations a minute are counted exactly, however many arrive together: then 429 with Retry-After", async ({ request }) => {
  test.setTimeout(120_000);
  const PER_MINUTE = 5;
  // A server of its own with a small allowance, and room for all of them at once (the minute is what is tried here).
  const server = await startServer(request, { FLEETWARD_ACL_EVALUATIONS_PER_MINUTE: String(PER_MINUTE), FLEETWARD_ACL_EVALUATIONS_AT_ONCE: "100" });
  try {
    const token = readerToken();
    const post = (path: string, t: string, data: unknown) => request.post(`${server.base}${path}`, { headers: { authorization: `Bearer ${t}` }, data });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? post("/api/v1/acl/lint", token, policy(1, 3)) : post("/api/v1/acl/simulate", token, { ...policy(1, 3), ...decide }))));
    const statuses = answers.map((a) => a.status());
    expect(statuses.filter((s) => s === 200), statuses.join(",")).toHaveLength(PER_MINUTE);
    expect(statuses.filter((s) => s === 429), statuses.join(",")).toHaveLength(12 - PER_MINUTE);
    for (const refused of answers.filter((a) => a.status() === 429)) {
      const wait = Number(refused.headers()["retry-after"]);
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(60);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(`more than ${PER_MINUTE} ACL evaluations (lint or simulate) in a minute`);
    }
    // Another principal is not affected; a stored device's simulation (no policy in the request) is not counted.
    expect((await post("/api/v1/acl/lint", readerToken(), policy(1, 3))).status()).toBe(200);
    expect((await post("/api/v1/acl/simulate", token, { deviceId: "00000000-0000-4000-8000-000000000000", ...decide })).status()).toBe(404);
  } finally {
    server.stop();
  }
});
