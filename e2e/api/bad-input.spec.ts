import { execFileSync } from "node:child_process";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { API, type TApiName, type TApiSpec } from "@/lib/schemas/api";
import { unique } from "../fixtures";
import { SAMPLES, urlOf } from "./catalogue";

// A token of its own, so "nothing was written" can be checked in the audit log by actor.
const tokenName = `bad-input-${unique()}`;
const token = execFileSync("node", ["bin/fleetward.mjs", "token", "create", "--name", tokenName, "--role", "ADMIN"], { encoding: "utf8" })
  .trim()
  .split("\n")
  .at(-1)!;
const auth = { authorization: `Bearer ${token}` };
const LONG = "x".repeat(5000);

const BAD_BODIES: { label: string; body?: unknown; raw?: string }[] = [
  { label: "wrong types", body: { email: 42, role: ["ADMIN"], name: { a: 1 }, disabled: "yes" } },
  { label: "unknown field", body: { isAdmin: true } },
  { label: "prototype-pollution keys", raw: '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}' },
  { label: "over-long strings", body: { email: `${LONG}@example.com`, name: LONG, role: "ADMIN" } },
  { label: "invalid e-mail", body: { email: "not-an-email", role: "OPERATOR" } },
  { label: "array instead of object", body: [1, 2, 3] },
  { label: "null", body: null },
];

// Routes for a signed-in user only refuse this token before reading a body: e2e/auth proves theirs with a session.
const mutating = (Object.keys(API) as TApiName[]).filter((n) => API[n].method !== "GET" && "body" in API[n] && !(API[n] as TApiSpec).sessionOnly);

async function send(request: APIRequestContext, name: TApiName, params: Record<string, string> | undefined, raw: string) {
  return request.fetch(urlOf(name, params), {
    method: API[name].method,
    headers: { ...auth, "content-type": "application/json" },
    data: Buffer.from(raw),
  });
}

for (const name of mutating) {
  test(`${API[name].method} ${API[name].path} refuses bad input with the field and the reason, writing nothing`, async ({ request }) => {
    const { params } = await SAMPLES[name](request);
    const malformed = await send(request, name, params, '{"email": "a@b.c", ');
    expect(malformed.status()).toBe(400);
    const m = (await malformed.json()).error;
    expect(m.code).toBe("BAD_REQUEST");
    expect(m.fields.body).toBeTruthy();

    for (const { label, body, raw } of BAD_BODIES) {
      const res = await send(request, name, params, raw ?? JSON.stringify(body));
      expect([400, 422], `${label}: ${await res.text()}`).toContain(res.status());
      const { error } = await res.json();
      expect(Object.keys(error.fields ?? {}).length, label).toBeGreaterThan(0);
      expect(error.message, label).toMatch(/Invalid body: \S+ .+/);
    }
    const huge = await send(request, name, params, JSON.stringify({ name: "y".repeat(((API[name] as TApiSpec).maxBodyBytes ?? 1_000_000) + 100_000) }));
    expect(huge.status()).toBe(413);

    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const audit = await request.get(`/api/v1/audit?actor=${tokenName}`, { headers: auth });
    expect((await audit.json()).items).toEqual([]);
  });
}

test("forged cursors are refused with 422 naming cursor, never a 500", async ({ request }) => {
  const urls = [
    "/api/v1/devices?cursor=%00%27",
    "/api/v1/audit?cursor=9999999999999999999",
    "/api/v1/users?cursor=%00",
    "/api/v1/certificates?cursor=!!",
    `/api/v1/certificates?cursor=${Buffer.from("-5").toString("base64url")}`,
    "/api/v1/security/findings?cursor=2026-01-01_x",
    "/api/v1/devices?q=%00",
  ];
  for (const url of urls) {
    const res = await request.get(url, { headers: auth });
    expect(res.status(), url).toBe(422);
    const { error } = await res.json();
    expect(Object.keys(error.fields), url).toEqual([url.includes("q=") ? "q" : "cursor"]);
  }
});

test("a line feed in a role rule's topic cannot add lines to the brokers' acl file: refused naming the field, nothing written", async ({ request }) => {
  const name = `inject-${unique()}`;
  const topic = "devices/${clientId}/x\nuser pt-b\ntopic readwrite fleetward/#";
  const res = await request.post("/api/v1/roles", { headers: auth, data: { name, acls: [{ acltype: "publishClientSend", topic, allow: true }] } });
  expect(res.status()).toBe(422);
  expect((await res.json()).error.fields).toEqual({ "acls.0.topic": "must not contain control characters (U+0000-U+001F, U+007F)" });
  expect((await request.get(`/api/v1/roles/${name}`, { headers: auth })).status()).toBe(404);
  const preview = await request.post("/api/v1/acl/preview", { headers: auth, data: { kind: "role", role: { name, acls: [{ acltype: "publishClientReceive", topic: "a\rb", allow: true }] } } });
  expect((await preview.json()).error.fields).toEqual({ "role.acls.0.topic": "must not contain control characters (U+0000-U+001F, U+007F)" });
  const audit = await request.get(`/api/v1/audit?actor=${tokenName}`, { headers: auth });
  expect((await audit.json()).items).toEqual([]);
});

test("cookie-authenticated mutations from another origin are refused (CSRF)", async ({ page }) => {
  const { signInAs } = await import("../fixtures");
  await signInAs(page, "ADMIN");
  const res = await page.request.post("/api/v1/tokens", {
    data: { name: `csrf-${unique()}`, role: "ADMIN" },
    headers: { origin: "https://evil.example" },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.message).toMatch(/Cross-site/);
});
