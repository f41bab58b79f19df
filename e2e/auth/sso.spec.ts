import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { bearer, unique } from "../fixtures";
import { OIDC_CLIENT, startOidcProvider, type TTokenMode } from "../oidc-provider";
import { freePort, startServer } from "../server";

// A server of its own configured for single sign-on, and a real OpenID Connect provider (oidc-provider) on loopback.
// The role mappings live in the database both servers share; the groups here are this run's own.
test.describe.configure({ mode: "serial" });

const run = unique();
const GROUPS = { ops: `fw-ops-${run}`, admins: `fw-admins-${run}`, other: `staff-${run}` };
let server: Awaited<ReturnType<typeof startServer>>;
/** The dashboard as the browser and the provider know it (Next.js calls a loopback address localhost in its URLs). */
let base: string;
let idp: Awaited<ReturnType<typeof startOidcProvider>>;
let api: APIRequestContext;

test.beforeAll(async ({ playwright }) => {
  api = await playwright.request.newContext();
  const [port, serverPort] = [await freePort(), await freePort()];
  const oidc = { FLEETWARD_OIDC_ISSUER: `http://127.0.0.1:${port}`, FLEETWARD_OIDC_CLIENT_ID: OIDC_CLIENT.id, FLEETWARD_OIDC_CLIENT_SECRET: OIDC_CLIENT.secret, FLEETWARD_OIDC_NAME: "Corp ID" };
  base = `http://localhost:${serverPort}`;
  // The suite's permission tests send unknown tokens from 127.0.0.1, counted in the database this server shares.
  server = await startServer(api, { ...oidc, AUTH_URL: base, FLEETWARD_API_AUTH_FAILURES_PER_IP: "1000000" }, serverPort);
  idp = await startOidcProvider(port, `${base}/api/auth/callback/oidc`, (login) => (login.startsWith("ops-") ? [GROUPS.other, GROUPS.ops] : login.startsWith("boss-") ? [GROUPS.admins, GROUPS.ops] : [GROUPS.other]));
  const mapped = await api.put(`${server.base}/api/v1/security/sso`, { headers: bearer("ADMIN"), data: { roleMappings: [{ group: GROUPS.ops, role: "OPERATOR" }, { group: GROUPS.admins, role: "ADMIN" }], localSignIn: "everyone", breakGlassUserId: null } });
  expect(mapped.status()).toBe(200);
  expect((await mapped.json()).provider).toEqual({ issuer: `http://127.0.0.1:${port}`, name: "Corp ID", groupsClaim: "groups" });
});

test.afterAll(async () => {
  // The users this run created leave no open posture findings behind (a disabled user has none).
  const users = ((await (await api.get(`${server.base}/api/v1/users?limit=500`, { headers: bearer("ADMIN") })).json()).items as { id: string; sso: boolean; disabled: boolean }[]).filter((u) => u.sso && !u.disabled);
  for (const u of users) await api.patch(`${server.base}/api/v1/users/${u.id}`, { headers: bearer("ADMIN"), data: { disabled: true } });
  await api.put(`${server.base}/api/v1/security/sso`, { headers: bearer("ADMIN"), data: { roleMappings: [], localSignIn: "everyone", breakGlassUserId: null } });
  server?.stop();
  await idp?.stop();
  await api?.dispose();
});

/** Through the login page's button and the provider's own login and consent pages, back to Fleetward. */
async function signInThroughProvider(browser: Browser, login: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/login`);
  await page.getByRole("button", { name: "Sign in with Corp ID" }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((u) => u.origin === base, { timeout: 20_000 });
  return page;
}

const userOf = async (email: string) => ((await (await api.get(`${server.base}/api/v1/users?limit=500`, { headers: bearer("ADMIN") })).json()).items as { id: string; email: string; role: string; sso: boolean }[]).find((u) => u.email === email);

test("a company identity signs in in Chromium with the role its groups map to; created just in time and audited with the claims", async ({ browser }) => {
  const login = `ops-${unique()}`;
  const page = await signInThroughProvider(browser, login);
  await expect(page).toHaveURL(/\/overview$/);
  await expect(page.getByTestId("current-user")).toHaveText(`${login}@corp.example`);
  await expect(page.locator("header").getByText("Operator", { exact: true })).toBeVisible();
  expect(await userOf(`${login}@corp.example`)).toMatchObject({ role: "OPERATOR", sso: true });
  const audit = await (await api.get(`${server.base}/api/v1/audit?action=user.sso_create&q=${login}`, { headers: bearer("AUDITOR") })).json();
  expect(audit.items[0].details).toEqual({ role: "OPERATOR", claims: { iss: idp.issuer, sub: login, email: `${login}@corp.example`, groups: [GROUPS.other, GROUPS.ops] } });
  expect(JSON.stringify(audit.items[0])).not.toMatch(/eyJ[\w-]+\.eyJ/); // no token, ever
  // The most capable mapped group wins: admins and operators give an admin.
  const boss = await signInThroughProvider(browser, `boss-${unique()}`);
  await expect(boss.locator("header").getByText("Admin", { exact: true })).toBeVisible();
  // What an admin sees: the SSO users marked, the mappings and the local sign-in setting.
  await boss.goto(`${base}/settings/users`);
  await expect(boss.getByTestId(`user-row-${login}@corp.example`)).toContainText("SSO");
  await expect(boss.getByLabel(`Role of ${login}@corp.example`)).toBeDisabled(); // their groups set it
  await expect(boss.getByTestId("role-mapping")).toHaveCount(2);
  await expect(boss.getByText(`OpenID Connect provider ${idp.issuer}`)).toBeVisible();
  await boss.screenshot({ path: test.info().outputPath("users-sso.png"), fullPage: true });
  // Local passwords off with no break-glass admin named: refused beside the field, nothing saved.
  await boss.getByLabel("Local passwords").selectOption("break-glass");
  await boss.getByRole("button", { name: "Save single sign-on" }).click();
  await expect(boss.getByText("name the break-glass admin who keeps a local password")).toBeVisible();
  await boss.screenshot({ path: test.info().outputPath("users-sso-refused.png"), fullPage: true });
  expect((await (await api.get(`${server.base}/api/v1/security/sso`, { headers: bearer("ADMIN") })).json()).localSignIn).toBe("everyone");
  await boss.context().close();
  await page.context().close();
});

test("an identity in no mapped group is refused with a clear message and no account", async ({ browser }) => {
  const login = `temp-${unique()}`;
  const page = await signInThroughProvider(browser, login);
  await expect(page).toHaveURL(/\/login\?error=sso_no_role/);
  await expect(page.getByTestId("login-error")).toContainText("is in no group that Fleetward maps to a role");
  await expect(page.getByRole("button", { name: "Sign in with Corp ID" })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("login-refused.png") });
  expect(await userOf(`${login}@corp.example`)).toBeUndefined();
  await page.context().close();
});

test("an admin ends a user's sessions, or disables them: signed out at their next request, and refused after", async ({ browser }) => {
  const login = `ops-${unique()}`;
  const page = await signInThroughProvider(browser, login);
  await expect(page).toHaveURL(/\/overview$/);
  const user = (await userOf(`${login}@corp.example`))!;
  const ended = await api.post(`${server.base}/api/v1/users/${user.id}/end-sessions`, { headers: bearer("ADMIN"), data: {} });
  expect(await ended.json()).toEqual({ ended: 1 });
  // The open page may find out first (its next poll) and leave for the login page while this navigation starts.
  await page.goto(`${base}/devices`).catch(() => undefined);
  await expect(page).toHaveURL(/\/login/);
  // Back in through the provider, then disabled: out again, and the provider's word no longer lets them in.
  const again = await signInThroughProvider(browser, login);
  await expect(again).toHaveURL(/\/overview$/);
  expect((await api.patch(`${server.base}/api/v1/users/${user.id}`, { headers: bearer("ADMIN"), data: { disabled: true } })).status()).toBe(200);
  await again.goto(`${base}/devices`).catch(() => undefined);
  await expect(again).toHaveURL(/\/login/);
  const refused = await signInThroughProvider(browser, login);
  await expect(refused.getByTestId("login-error")).toHaveText("This account is disabled.");
  for (const p of [page, again, refused]) await p.context().close();
});

for (const mode of ["wrong-issuer", "wrong-audience", "bad-signature", "expired", "replay"] as TTokenMode[]) {
  test(`an ID token with ${mode.replace("-", " ")} is refused: no session, no account`, async ({ browser }) => {
    if (mode === "replay") {
      idp.setMode("pass");
      await (await signInThroughProvider(browser, `ops-${unique()}`)).context().close(); // the token to replay later
    }
    idp.setMode(mode);
    try {
      const login = `ops-${unique()}`;
      const page = await signInThroughProvider(browser, login);
      await expect(page).toHaveURL(/\/login\?error=/);
      await expect(page.getByTestId("login-error")).toContainText("Single sign-on failed: Fleetward refused the identity provider's answer.");
      expect((await page.request.get(`${base}/api/v1/session`)).status()).toBe(401);
      expect(await userOf(`${login}@corp.example`)).toBeUndefined();
      await page.context().close();
    } finally {
      idp.setMode("pass");
    }
  });
}
