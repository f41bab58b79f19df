import { expect, test } from "@playwright/test";
import { signInAs } from "../fixtures";
import { startServer } from "../server";
import { e2eState } from "../state";

const PAGES = ["/overview", "/devices", "/roles", "/certificates", "/brokers", "/live", "/audit", "/security", "/settings", "/settings/users"];

test("pages carry a nonce CSP without unsafe-eval, a fresh nonce each time, and API answers one that runs nothing", async ({ request }) => {
  const [a, b] = await Promise.all([request.get("/login"), request.get("/login")]);
  const csp = a.headers()["content-security-policy"]!;
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
  expect(csp).not.toContain("unsafe-eval");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
  expect(/'nonce-([^']+)'/.exec(b.headers()["content-security-policy"]!)![1]).not.toBe(nonce);
  // Next's own scripts carry this response's nonce; none runs without it.
  const html = await a.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.filter((s) => !s.includes(`nonce="${nonce}"`))).toEqual([]);
  expect(a.headers()["x-content-type-options"]).toBe("nosniff");
  expect(a.headers()["x-frame-options"]).toBe("DENY");

  const api = await request.get("/api/v1/health");
  expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  // Over plain HTTP, and with a client's own claim of HTTPS (no trusted proxy), no HSTS.
  const claimed = await request.get("/login", { headers: { "x-forwarded-proto": "https" } });
  expect(claimed.headers()["strict-transport-security"]).toBeUndefined();
});

test("every page runs under the policy with no violation, and the session cookie is HttpOnly and SameSite", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => /Content[- ]Security[- ]Policy/i.test(m.text()) && violations.push(`${new URL(page.url()).pathname}: ${m.text()}`));
  await page.addInitScript(() => document.addEventListener("securitypolicyviolation", (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`)));
  await signInAs(page, "ADMIN");
  for (const path of PAGES) {
    await page.goto(path);
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
    await expect(page.locator("main h1, main h2").first()).toBeVisible();
  }
  // Hydrated: a client-side control answers.
  await page.goto("/settings");
  await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
  await expect(page.getByLabel("Your password")).toBeVisible();
  expect(violations).toEqual([]);

  const session = (await page.context().cookies()).find((c) => c.name.endsWith("authjs.session-token"))!;
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
});

test("behind a trusted proxy that says HTTPS, pages and API answers carry HSTS; a plain request does not", async ({ request }) => {
  test.setTimeout(90_000);
  const server = await startServer(request, { FLEETWARD_TRUST_PROXY: "true" });
  try {
    const { base } = server;
    // Signing in over HTTPS (as the proxy says) sets the session cookie Secure, under the __Secure- prefix.
    const https = { "x-forwarded-proto": "https" };
    const { csrfToken } = (await (await request.get(`${base}/api/auth/csrf`, { headers: https })).json()) as { csrfToken: string };
    const { email, password } = e2eState().users.AUDITOR;
    const signIn = await request.post(`${base}/api/auth/callback/credentials`, { headers: https, form: { email, password, csrfToken, json: "true" }, maxRedirects: 0 });
    const cookies = signIn.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie").map((h) => h.value);
    const session = cookies.find((c) => c.includes("authjs.session-token="));
    expect(session, cookies.join("\n")).toMatch(/^__Secure-authjs\.session-token=/);
    expect(session).toMatch(/; Secure/i);
    expect(session).toMatch(/; HttpOnly/i);
    for (const path of ["/login", "/api/v1/health"]) {
      const https = await request.get(`${base}${path}`, { headers: { "x-forwarded-proto": "https" } });
      expect(https.headers()["strict-transport-security"], path).toBe("max-age=63072000; includeSubDomains");
      const plain = await request.get(`${base}${path}`);
      expect(plain.headers()["strict-transport-security"], path).toBeUndefined();
    }
  } finally {
    server.stop();
  }
});
