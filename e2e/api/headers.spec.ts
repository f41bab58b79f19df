import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import tls, { type SecureVersion } from "node:tls";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { signInAs } from "../fixtures";
import { bearer } from "../fixtures";
import { relayUpgradeStatus, startServer } from "../server";
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
    // The live relay finds that session behind the proxy too (it is the __Secure- cookie, looked for only over HTTPS).
    const cookie = session!.split(";")[0]!;
    const brokerId = await firstBrokerId(request);
    expect(await relayUpgradeStatus(base, brokerId, cookie, https)).toBe(101);
    expect(await relayUpgradeStatus(base, brokerId, cookie)).toBe(401);
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

async function firstBrokerId(request: APIRequestContext): Promise<string> {
  const res = await request.get("/api/v1/brokers", { headers: bearer("AUDITOR") });
  return ((await res.json()) as { items: { id: string }[] }).items[0]!.id;
}

test("served over HTTPS directly: TLS 1.2 and 1.3 only, HSTS, the session cookie Secure, the live relay over wss", async ({ request }) => {
  test.setTimeout(90_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), "fleetward-tls-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${dir}/key.pem`, "-out", `${dir}/cert.pem`, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
  const server = await startServer(request, { FLEETWARD_TLS_CERT_FILE: `${dir}/cert.pem`, FLEETWARD_TLS_KEY_FILE: `${dir}/key.pem` });
  try {
    const { base, port } = server;
    const handshake = (maxVersion: SecureVersion) =>
      new Promise<string>((resolve) => {
        const s = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false, minVersion: "TLSv1", maxVersion }, () => (resolve(s.getProtocol() ?? "?"), s.destroy()));
        s.once("error", () => resolve("refused"));
      });
    expect(await handshake("TLSv1.1")).toBe("refused");
    expect(await handshake("TLSv1.2")).toBe("TLSv1.2");
    expect(await handshake("TLSv1.3")).toBe("TLSv1.3");

    const opts = { ignoreHTTPSErrors: true };
    const login = await request.get(`${base}/login`, opts);
    expect(login.status()).toBe(200);
    expect(login.headers()["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");
    const { csrfToken } = (await (await request.get(`${base}/api/auth/csrf`, opts)).json()) as { csrfToken: string };
    const { email, password } = e2eState().users.AUDITOR;
    const signIn = await request.post(`${base}/api/auth/callback/credentials`, { ...opts, form: { email, password, csrfToken, json: "true" }, maxRedirects: 0 });
    const session = signIn.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie").map((h) => h.value).find((c) => c.includes("authjs.session-token="));
    expect(session).toMatch(/^__Secure-authjs\.session-token=.*; Secure/i);
    expect(await relayUpgradeStatus(base, await firstBrokerId(request), session!.split(";")[0]!)).toBe(101);
  } finally {
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
