import { expect, test } from "@playwright/test";
import { bearer, signInAs, unique } from "../fixtures";

const adHoc = (over: Record<string, unknown> = {}) => ({
  roles: [
    { rolename: "sensor", acls: [{ acltype: "publishClientSend", topic: "plant/+/telemetry", priority: 5, allow: true }, { acltype: "publishClientSend", topic: "plant/#", allow: false }] },
  ],
  client: { username: "s-1", roles: [{ rolename: "sensor", priority: 1 }] },
  action: "publish",
  topic: "plant/a/telemetry",
  ...over,
});

test("the device page says what the brokers enforce for it and which line decides; a bad topic is named beside the field", async ({ page, request }) => {
  const clientId = `acl-${unique()}`;
  const res = await request.post("/api/v1/devices", { headers: bearer("OPERATOR"), data: { clientId, auth: { type: "password" } } });
  const { device } = (await res.json()) as { device: { id: string } };
  await signInAs(page, "AUDITOR");
  await page.goto(`/devices/${device.id}`);
  await page.getByRole("button", { name: "Check" }).click();
  const result = page.getByRole("status").filter({ hasText: /allowed|denied/ });
  await expect(result).toContainText("allowed");
  // The shared grant is a pattern unless this run's devices made the layout keep every device in its own block.
  await expect(result).toContainText(new RegExp(`pattern readwrite devices/%c/#|topic readwrite devices/${clientId}/#`));
  await page.getByLabel("Topic").fill("plant/other");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(result).toContainText("denied");
  await expect(result).toContainText("no rule matched");
  await page.getByLabel("Topic").fill("plant/#");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(page.getByText("must not contain the wildcards + or #")).toBeVisible();
  await page.getByLabel("Action").selectOption("subscribe");
  await page.getByRole("button", { name: "Check" }).click();
  await expect(result).toContainText("acl_file does not restrict subscriptions");
});

test("the ad hoc simulator decides as the dynamic security plugin and names the rule", async ({ request }) => {
  const allowed = await request.post("/api/v1/acl/simulate", { headers: bearer("AUDITOR"), data: adHoc() });
  expect(allowed.status()).toBe(200);
  expect(await allowed.json()).toMatchObject({ allowed: true, model: "dynsec", decidedBy: { kind: "rule", via: "client", rolename: "sensor", acl: { topic: "plant/+/telemetry", priority: 5, allow: true }, index: 0 } });
  const denied = await request.post("/api/v1/acl/simulate", { headers: bearer("AUDITOR"), data: adHoc({ topic: "plant/a/config" }) });
  expect(await denied.json()).toMatchObject({ allowed: false, decidedBy: { kind: "rule", acl: { topic: "plant/#", allow: false }, index: 1 } });
  const byDefault = await request.post("/api/v1/acl/simulate", { headers: bearer("AUDITOR"), data: adHoc({ action: "subscribe", topic: "$CONTROL/x", defaultACLAccess: { publishClientSend: true, publishClientReceive: true, subscribe: true, unsubscribe: true } }) });
  expect(await byDefault.json()).toMatchObject({ allowed: false, decidedBy: { kind: "default", setting: "subscribe", reason: "no rule matched; the default never opens $CONTROL topics" } });
});

test("the ad hoc simulator and the linter take every priority the plugin takes: any 32-bit integer", async ({ request }) => {
  const roles = [{ rolename: "sensor", textname: "Sensor", acls: [{ acltype: "publishClientSend", topic: "plant/#", priority: 2_147_483_647, allow: true }, { acltype: "publishClientSend", topic: "plant/a/#", priority: -10, allow: false }] }];
  const client = { username: "s-1", roles: [{ rolename: "sensor", priority: -2_147_483_648 }], groups: [{ groupname: "g", priority: 10_000_000 }] };
  const groups = [{ groupname: "g", roles: [{ rolename: "sensor", priority: 2_147_483_647 }] }];
  const simulated = await request.post("/api/v1/acl/simulate", { headers: bearer("AUDITOR"), data: adHoc({ roles, client, groups, topic: "plant/a/b" }) });
  expect(simulated.status(), await simulated.text()).toBe(200);
  expect(await simulated.json()).toMatchObject({ allowed: true, decidedBy: { kind: "rule", acl: { topic: "plant/#", priority: 2_147_483_647 } } });
  const linted = await request.post("/api/v1/acl/lint", { headers: bearer("AUDITOR"), data: { roles, groups, client } });
  expect(linted.status(), await linted.text()).toBe(200);
  // Fleetward's own roles keep their tighter limit, and say it is Fleetward's.
  const own = await request.post("/api/v1/roles", { headers: bearer("OPERATOR"), data: { name: `big-${unique()}`, acls: [{ acltype: "publishClientSend", topic: "a", priority: 2_147_483_647, allow: true }] } });
  expect(own.status()).toBe(422);
  expect(((await own.json()) as { error: { fields: Record<string, string> } }).error.fields["acls.0.priority"]).toBe("must be at most 1000000 (Fleetward's own limit for the roles and groups it stores; the plugin takes any 32-bit integer)");
});

test("bad policies are refused with the rule's index and reason", async ({ request }) => {
  const bad = async (data: unknown) => {
    const r = await request.post("/api/v1/acl/simulate", { headers: bearer("AUDITOR"), data });
    expect(r.status()).toBe(422);
    return ((await r.json()) as { error: { fields: Record<string, string> } }).error.fields;
  };
  const rule = (topic: string, acltype = "subscribePattern") => adHoc({ roles: [{ rolename: "sensor", acls: [{ acltype: "publishClientSend", topic: "ok", allow: true }, { acltype, topic, allow: true }] }] });
  expect(await bad(rule("a/#/b"))).toEqual({ "roles.0.acls.1.topic": "may use # only as the whole last level (e.g. a/b/#)" });
  expect(await bad(rule("a/b+"))).toEqual({ "roles.0.acls.1.topic": "may use + only as a whole level (e.g. a/+/c)" });
  expect(await bad(rule("a/\u0000"))).toEqual({ "roles.0.acls.1.topic": "must not contain control characters (U+0000-U+001F, U+007F)" });
  expect(await bad(rule("a/x\ntopic readwrite #"))).toEqual({ "roles.0.acls.1.topic": "must not contain control characters (U+0000-U+001F, U+007F)" });
  expect(await bad(rule(""))).toEqual({ "roles.0.acls.1.topic": "must not be empty" });
  expect(await bad(rule("x".repeat(65_536)))).toEqual({ "roles.0.acls.1.topic": "must be at most 65535 bytes of UTF-8" });
  expect(await bad(rule("a", "publishEverything"))).toEqual({ "roles.0.acls.1.acltype": expect.stringMatching(/^must be one of publishClientSend/) });
  expect(await bad(adHoc({ client: { username: "s-1", roles: [{ rolename: "sensor", priority: 2_147_483_648 }] } }))).toEqual({ "client.roles.0.priority": "must be a 32-bit integer (at most 2147483647)" });
  expect(await bad(adHoc({ topic: "plant/+/telemetry" }))).toEqual({ topic: "must not contain the wildcards + or # (a topic name is published to, not subscribed to)" });
  const many = Array.from({ length: 10_000 }, (_, i) => ({ acltype: "publishClientSend", topic: `t/${i}`, allow: true }));
  expect(await bad(adHoc({ roles: [{ rolename: "sensor", acls: many }] }))).toEqual({ "roles.0.acls": "must hold at most 1000 rules" });
  const missing = await request.post("/api/v1/acl/simulate", { headers: bearer("AUDITOR"), data: { deviceId: "00000000-0000-4000-8000-000000000000", action: "publish", topic: "a" } });
  expect(missing.status()).toBe(404);
});

test("the Roles page simulates a policy and says in plain words which rule decided; bad JSON and bad rules are named", async ({ page }) => {
  await signInAs(page, "OPERATOR");
  await page.goto("/roles");
  await page.getByRole("button", { name: "Simulate" }).click();
  const result = page.getByRole("status").filter({ hasText: /allowed|denied/ });
  await expect(result).toContainText("Allowed by rule 1 of role sensor (role priority 1): may publish to plant/+/telemetry (priority 5).");
  await page.getByLabel("Topic or filter").fill("plant/boiler/config");
  await page.getByRole("button", { name: "Simulate" }).click();
  await expect(result).toContainText("Denied by rule 2 of role sensor (role priority 1): may not publish to plant/# (priority 0).");
  await expect(page.getByText("may subscribe to exactly plant/commands (priority 0)")).toBeVisible();
  const findings = page.getByLabel("Policy findings");
  await expect(findings).toContainText("Policy findings (2)");
  await expect(findings).toContainText("The default access allows publishClientReceive for every topic no rule covers.");

  const policy = page.getByLabel("Policy (JSON)");
  const text = await policy.inputValue();
  await policy.fill(text.replace('"plant/+/telemetry"', '"plant/#/telemetry"'));
  await page.getByRole("button", { name: "Simulate" }).click();
  await expect(page.getByRole("alert", { name: "Policy errors" })).toContainText("roles.0.acls.0.topic may use # only as the whole last level");
  await policy.fill("{ not json");
  await page.getByRole("button", { name: "Simulate" }).click();
  await expect(page.getByText(/is not valid JSON/)).toBeVisible();
});

test("the linter names what is too open or can never decide, with why and how to fix", async ({ request }) => {
  const res = await request.post("/api/v1/acl/lint", {
    headers: bearer("AUDITOR"),
    data: {
      roles: [{ rolename: "wide", acls: [{ acltype: "subscribePattern", topic: "#", allow: true }, { acltype: "subscribePattern", topic: "a/b", allow: false }] }, { rolename: "spare", acls: [] }],
      client: { username: "c", roles: [{ rolename: "wide" }] },
      defaultACLAccess: { publishClientSend: true, publishClientReceive: false, subscribe: false, unsubscribe: false },
    },
  });
  expect(res.status()).toBe(200);
  const { findings } = (await res.json()) as { findings: { severity: string; code: string; index?: number; why: string; fix: string }[] };
  expect(findings.map((f) => [f.severity, f.code, f.index])).toEqual([
    ["high", "wildcard-everything", 0],
    ["high", "broker-topics", 0],
    ["high", "default-allow", undefined],
    ["medium", "shadowed", 1],
    ["low", "unused-role", undefined],
  ]);
  for (const f of findings) expect(f.why && f.fix).toBeTruthy();
});
