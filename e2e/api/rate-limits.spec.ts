import { expect, test } from "@playwright/test";
import { startServer } from "../server";
import { e2eState } from "../state";

// A server of its own, behind a "trusted proxy" so that each test speaks from client addresses of its own (the
// suite's server counts every test's requests from 127.0.0.1), with a small per-token limit.
const TOKEN_LIMIT = 20;

test("API tokens: an address that sends too many invalid tokens is refused, even with a valid one; one token's burst is limited per minute", async ({ request }) => {
  test.setTimeout(120_000);
  const server = await startServer(request, { FLEETWARD_TRUST_PROXY: "true", FLEETWARD_API_RATE_LIMIT: String(TOKEN_LIMIT) });
  try {
    const from = (ip: string, token: string) => ({ "x-forwarded-for": ip, authorization: `Bearer ${token}` });
    const get = (ip: string, token: string) => request.get(`${server.base}/api/v1/brokers`, { headers: from(ip, token) });
    const guesser = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const other = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;

    // Thirty invalid tokens from one address are answered 401, the next is refused before any lookup.
    for (let i = 0; i < 30; i++) expect((await get(guesser, `fwt_guess-${i}`)).status()).toBe(401);
    const refused = await get(guesser, "fwt_guess-31");
    expect(refused.status()).toBe(429);
    expect(Number(refused.headers()["retry-after"])).toBeGreaterThan(500);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/too many requests with an invalid API token/i);
    // A valid token from that address too: guessing cannot go on by mixing in a known token.
    const auditor = e2eState().tokens.AUDITOR;
    expect((await get(guesser, auditor)).status()).toBe(429);
    // Another address is not affected.
    expect((await get(other, auditor)).status()).toBe(200);

    // One token: TOKEN_LIMIT requests a minute, then 429 with the seconds to wait; another token is not affected.
    const operator = e2eState().tokens.OPERATOR;
    const statuses: number[] = [];
    for (let i = 0; i < TOKEN_LIMIT + 5; i++) statuses.push((await get(other, operator)).status());
    const firstRefused = statuses.indexOf(429);
    expect(firstRefused).toBeGreaterThan(0);
    expect(firstRefused).toBeLessThanOrEqual(TOKEN_LIMIT);
    expect(statuses.slice(firstRefused).every((s) => s === 429)).toBe(true);
    const limited = await get(other, operator);
    expect(limited.status()).toBe(429);
    const wait = Number(limited.headers()["retry-after"]);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(((await limited.json()) as { error: { message: string } }).error.message).toContain(`more than ${TOKEN_LIMIT} requests in a minute`);
    expect((await get(other, e2eState().tokens.ADMIN)).status()).toBe(200);
  } finally {
    server.stop();
  }
});
