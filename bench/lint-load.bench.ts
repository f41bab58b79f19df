// The ACL linter under load: how long the production server's /api/v1/health takes to answer while four large ad hoc
// lints (POST /api/v1/acl/lint, 10 roles of 1,000 rules: the most the linter takes) run at once, each from a
// read-only token of its own, against /health on the idle server in the same run. Then a policy of 12 x 1,000 rules
// (under 1 MB, as the one that once held the event loop 3.7 s), sent once, and what it is answered.
import { availableParallelism, loadavg } from "node:os";
import { createToken } from "@/lib/server/services/tokens/create-token";
import { testActor, unique } from "@/lib/server/testing/fixtures";
import { percentile, round, type TFigure } from "./figures";
import { benchServer } from "./web-server";

const PARALLEL = 4;
/** /health is asked one request after another, this long apart, while the lints run. */
const PROBE_GAP_MS = 20;

/** `roles` roles of `rules` rules each, one rule type per role and no rule covering another: the linter's worst case. */
export function bigPolicy(roles: number, rules: number) {
  return {
    roles: Array.from({ length: roles }, (_, r) => ({
      rolename: `bench-role-${r}`,
      acls: Array.from({ length: rules }, (_, i) => ({ acltype: "publishClientSend", topic: `p/${r}/${i}`, priority: i % 7, allow: i % 3 !== 0 })),
    })),
    groups: [],
    client: { username: "bench-client", roles: Array.from({ length: roles }, (_, r) => ({ rolename: `bench-role-${r}`, priority: r })) },
  };
}

type TLint = { status: number; ms: number };

async function lint(url: string, secret: string, body: string): Promise<TLint> {
  const t = performance.now();
  const res = await fetch(`${url}/api/v1/acl/lint`, { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" }, body });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t };
}

/** /health round trips, one after another, until `until` settles. */
async function probeHealth(url: string, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const times: number[] = [];
  while (!done) {
    const t = performance.now();
    const res = await fetch(`${url}/api/v1/health`).catch((e: unknown) => {
      throw new Error(`/health failed after ${round(performance.now() - t)} ms: ${String((e as Error).cause ?? e)}`);
    });
    await res.arrayBuffer();
    times.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, PROBE_GAP_MS));
  }
  return times;
}

export async function lintLoadBench(): Promise<TFigure[]> {
  const server = await benchServer();
  const secrets = await Promise.all(Array.from({ length: PARALLEL }, async () => (await createToken({ actor: testActor("bench"), input: { name: `bench-lint-${unique()}`, role: "AUDITOR" } })).secret));
  const accepted = JSON.stringify(bigPolicy(10, 1_000));
  const refused = JSON.stringify(bigPolicy(12, 1_000));

  // Warm: the route's code loaded, the first lint out of the way.
  await lint(server.url, secrets[0]!, JSON.stringify(bigPolicy(1, 10)));
  const idle = await probeHealth(server.url, new Promise((r) => setTimeout(r, 3_000)));
  const one = await lint(server.url, secrets[0]!, accepted);
  const lints = Promise.all(secrets.map((s) => lint(server.url, s, accepted)));
  const t = performance.now();
  const loaded = await probeHealth(server.url, lints);
  const wall = performance.now() - t;
  const statuses = (await lints).map((l) => l.status);
  const big = await lint(server.url, secrets[0]!, refused);

  const baseline = { value: round(percentile(idle, 95)), what: "/health p95 on the idle server" };
  // On a shared machine other work slows /health too: the idle figure of the same run and the load say how much.
  const load = `load average ${round(loadavg()[0]!)} on ${availableParallelism()} cores at the end`;
  const kb = (s: string) => `${Math.round(Buffer.byteLength(s) / 1024)} KB`;
  return [
    { name: `ACL lint of 10 roles x 1,000 rules (${kb(accepted)}), one request`, value: round(one.ms), unit: "ms", goal: null, baseline: null, note: `answered ${one.status}` },
    { name: `/health p95 while ${PARALLEL} such lints run at once`, value: round(percentile(loaded, 95)), unit: "ms", goal: { op: "<=", value: 100 }, baseline, note: `${loaded.length} probes; the lints answered ${statuses.join(", ")}; ${load}` },
    { name: `/health slowest while ${PARALLEL} such lints run at once`, value: round(Math.max(...loaded)), unit: "ms", goal: { op: "<=", value: 250 }, baseline: { value: round(Math.max(...idle)), what: "slowest on the idle server" } },
    { name: `${PARALLEL} such lints at once, until the last answer`, value: round(wall), unit: "ms", goal: null, baseline: { value: round(one.ms), what: "one alone" } },
    { name: `ACL lint of 12 roles x 1,000 rules (${kb(refused)}), answered`, value: big.status, unit: "status", goal: null, baseline: null, note: `in ${round(big.ms)} ms` },
  ];
}
