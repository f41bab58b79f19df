import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import type { TRole } from "@/lib/domain/permissions";
import { e2eState } from "./state";

export const unique = () => randomUUID().slice(0, 8);

/** Signs a browser in through next-auth's credentials endpoint (the login page itself has its own spec). */
export async function signInAs(page: Page, role: TRole) {
  const { email, password } = e2eState().users[role];
  await signInWith(page.request, email, password);
}

export async function signInWith(request: APIRequestContext, email: string, password: string) {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", {
    form: { email, password, csrfToken, json: "true" },
    maxRedirects: 0,
  });
  expect(res.status(), "credentials callback").toBeLessThan(400);
  const session = await request.get("/api/v1/session");
  expect(session.status(), `signed in as ${email}`).toBe(200);
}

export const bearer = (role: TRole) => ({ authorization: `Bearer ${e2eState().tokens[role]}` });

/** A brand-new user for tests that change or lock it. */
export function newUser(role: TRole) {
  const email = `${role.toLowerCase()}-${unique()}@e2e.test`;
  const out = execFileSync("node", ["bin/fleetward.mjs", "user", "create", "--email", email, "--role", role], { encoding: "utf8" });
  return { email, password: out.trim().split("\n").at(-1)! };
}

/** The verified topics every spec that sets them sets (the setting is fleet-wide: one value, no race between specs). */
export const E2E_SIGNED_TOPICS = { topics: [{ filter: "devices/+/signed", signedOnly: true }] };
