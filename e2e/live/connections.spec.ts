import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { expect, test } from "@playwright/test";
import mqtt, { type MqttClient } from "mqtt";
import { localBroker } from "../fleet";
import { bearer, signInAs, unique } from "../fixtures";
import { FLEET_DIR } from "../state";

test("Live: a device's connection appears within 2 s and its disconnect goes to the history with the reason", async ({ page, request }) => {
  const clientId = `live-${unique()}`;
  const res = await request.post("/api/v1/devices", { headers: bearer("OPERATOR"), data: { clientId, auth: { type: "password" } } });
  expect(res.status()).toBe(201);
  const { secret } = (await res.json()) as { secret: { password: string } };

  await signInAs(page, "AUDITOR");
  await page.goto("/live");
  // The browser minted its own read-only credential and reached the broker through the same-origin relay.
  await expect(page.getByTestId("link-e2e-1")).toContainText("live", { timeout: 20_000 });
  await expect(page.getByText("Your role sees the brokers' counters and connections, not the devices' messages.")).toBeVisible();
  const b = localBroker("e2e-1");
  const args = ["-h", "127.0.0.1", "-p", String(b.ports.tlsPassword), "--cafile", path.join(FLEET_DIR, "admin", "ca.crt"), "-u", clientId, "-P", secret.password, "-i", clientId, "-t", `devices/${clientId}/#`, "-V", "mqttv5"];
  // Usable on the broker first (the device was just created), then watched.
  await expect.poll(async () => {
    const probe = spawn("mosquitto_sub", [...args, "-C", "1", "-W", "1"]);
    return new Promise<number | null>((r) => probe.on("exit", (code) => r(code)));
  }, { timeout: 20_000 }).toBe(27); // 27: timed out waiting for a message, i.e. connected and subscribed
  const sub = spawn("mosquitto_sub", args);
  const row = page.locator(`[data-client="${clientId}"]`);
  try {
    // The row follows the broker's event; how fast (the 2 s goal) is measured by `npm run bench -- live` on a quiet
    // machine, not here, where other work may hold the cores.
    await expect(row).toBeVisible({ timeout: 20_000 });
    await expect(row).toContainText("e2e-1");
    await expect(row).toContainText("127.0.0.1");
  } finally {
    sub.kill();
  }
  await expect(row).toHaveCount(0, { timeout: 20_000 });
  // The broker's own words: a clean DISCONNECT, or (the process stopped mid-stream) the socket closing or cut short.
  await expect(page.getByTestId("disconnects").locator("tr", { hasText: clientId }).first()).toContainText(/disconnected|closed its connection|protocol error/i);
});

test("the relay refuses other origins and callers without a session", async ({ request }) => {
  const brokers = (await (await request.get("/api/v1/brokers", { headers: bearer("AUDITOR") })).json()) as { items: { id: string }[] };
  const id = brokers.items[0]!.id;
  const base = new URL(test.info().project.use.baseURL!);
  const upgrade = async (headers: Record<string, string>) => {
    return new Promise<number>((resolve) => {
      const req = httpRequest({ host: base.hostname, port: base.port, path: `/api/v1/live/ws/${id}`, headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", ...headers } });
      req.on("response", (r) => resolve(r.statusCode ?? 0));
      req.on("upgrade", (r, socket) => (socket.destroy(), resolve(r.statusCode ?? 101)));
      req.end();
    });
  };
  const origin = base;
  expect(await upgrade({ origin: "http://evil.example" })).toBe(403);
  expect(await upgrade({ origin: origin.origin })).toBe(401);
});

test("an admin disconnects a client from every broker through the kick path; operators may not", async ({ page, request }) => {
  const clientId = `kick-${unique()}`;
  const res = await request.post("/api/v1/devices", { headers: bearer("OPERATOR"), data: { clientId, auth: { type: "password" } } });
  const { secret } = (await res.json()) as { secret: { password: string } };
  const b = localBroker("e2e-1");
  const ca = readFileSync(path.join(FLEET_DIR, "admin", "ca.crt"), "utf8");
  let client: MqttClient | null = null;
  await expect.poll(async () => {
    client = await mqtt.connectAsync(`mqtts://127.0.0.1:${b.ports.tlsPassword}`, { ca, username: clientId, password: secret.password, clientId, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3_000 }).catch(() => null);
    return client !== null;
  }, { timeout: 20_000 }).toBe(true);
  const closed = new Promise<void>((r) => client!.once("close", () => r()));

  expect((await request.post("/api/v1/live/disconnect", { headers: bearer("OPERATOR"), data: { clientId } })).status()).toBe(403);
  await signInAs(page, "ADMIN");
  await page.goto("/live");
  const row = page.locator(`[data-client="${clientId}"]`);
  await expect(row).toBeVisible({ timeout: 20_000 });
  await expect(row.getByRole("link", { name: "device page" })).toBeVisible(); // a known device: its page is linked
  // Newer connections join the table above it: filtered to the one client, the row stays put under the pointer.
  await page.getByLabel("Filter connections").fill(clientId);
  await expect(page.getByTestId("match-count")).toHaveText(/^1 of /);
  page.once("dialog", (d) => void d.accept());
  await row.getByRole("button", { name: "Disconnect" }).click();
  await closed;
  await expect(page.getByTestId("disconnects").locator("tr", { hasText: clientId }).first()).toBeVisible();
  await expect(page.getByText("Disconnect sent to every broker.")).toBeVisible();
  client!.end(true);
});

test("Live traffic: 100 messages a real client publishes show in the broker's rate and chart, per topic and in the inspector", async ({ page, request }) => {
  const clientId = `traffic-${unique()}`;
  const res = await request.post("/api/v1/devices", { headers: bearer("OPERATOR"), data: { clientId, auth: { type: "password" } } });
  const { secret } = (await res.json()) as { secret: { password: string } };
  await signInAs(page, "OPERATOR");
  await page.goto("/live");
  const row = page.getByTestId("traffic").locator('tr[data-broker="e2e-1"]');
  await expect(row).toBeVisible({ timeout: 20_000 });
  const b = localBroker("e2e-1");
  const lines = Array.from({ length: 100 }, (_, i) => `reading ${i}`).join("\n");
  await expect.poll(() => {
    const pub = spawn("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(b.ports.tlsPassword), "--cafile", path.join(FLEET_DIR, "admin", "ca.crt"), "-u", clientId, "-P", secret.password, "-i", clientId, "-t", `devices/${clientId}/t`, "-l", "-q", "1", "-V", "mqttv5"]);
    pub.stdin.end(`${lines}\n`);
    return new Promise<number | null>((r) => pub.on("exit", (code) => r(code)));
  }, { timeout: 20_000 }).toBe(0);
  // Per topic, as the broker delivered them to the page under the default filter #.
  const topic = page.getByTestId("topic-rates").locator(`tr[data-topic="devices/${clientId}/t"]`);
  await expect(topic.locator('[data-metric="messages"]')).toHaveText("100", { timeout: 10_000 });
  await expect(topic).toContainText("e2e-1");
  expect(Number(await topic.locator('[data-metric="rate"]').textContent())).toBeGreaterThan(0);
  await expect.poll(async () => Number(await row.locator('[data-metric="msg-in"]').textContent()), { timeout: 20_000 }).toBeGreaterThan(0.05);
  await expect(row.getByRole("img", { name: "messages per second on e2e-1" })).toBeVisible();

  // The inspector, narrowed to the device: its JSON pretty-printed, binary as hex; a bad filter is refused beside the field.
  const filter = page.getByLabel("Topic filter");
  await filter.fill("devices/#/t");
  await page.getByRole("button", { name: "Watch", exact: true }).click();
  await expect(page.getByText("# only as the whole last level")).toBeVisible();
  await filter.fill(`devices/${clientId}/+`);
  await page.getByRole("button", { name: "Watch", exact: true }).click();
  // Said once every broker acknowledged the subscription: from then on a message under it reaches the page.
  await expect(page.getByText(`No message under devices/${clientId}/+ yet.`)).toBeVisible({ timeout: 20_000 });
  const publish = (args: string[], stdin?: Buffer) => {
    const pub = spawn("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(b.ports.tlsPassword), "--cafile", path.join(FLEET_DIR, "admin", "ca.crt"), "-u", clientId, "-P", secret.password, "-i", clientId, "-V", "mqttv5", ...args]);
    pub.stdin.end(stdin);
    return new Promise<number | null>((r) => pub.on("exit", (code) => r(code)));
  };
  expect(await publish(["-t", `devices/${clientId}/json`, "-m", '{"t":21.5,"unit":"C"}', "-r"])).toBe(0);
  const inspector = page.getByTestId("inspector");
  await inspector.locator("tr", { hasText: `devices/${clientId}/json` }).first().click();
  await expect(page.getByTestId("inspected-payload")).toContainText('"unit": "C"');
  await expect(page.getByTestId("inspected-payload")).toContainText("JSON");
  expect(await publish(["-t", `devices/${clientId}/bin`, "-s"], Buffer.from([0, 1, 2, 255]))).toBe(0);
  await inspector.locator("tr", { hasText: `devices/${clientId}/bin` }).first().click();
  await expect(page.getByTestId("inspected-payload")).toContainText("0000  00 01 02 ff");
  await expect(page.getByTestId("topic-rates").locator(`tr[data-topic="devices/${clientId}/t"]`)).toHaveCount(0);
  // Clear the retained message.
  expect(await publish(["-t", `devices/${clientId}/json`, "-n", "-r"])).toBe(0);
});

test("the overview charts each broker's last hour at once (its agent kept it) and has an alerts card", async ({ page }) => {
  await signInAs(page, "AUDITOR");
  const opened = Date.now();
  await page.goto("/overview");
  await expect(page.getByTestId("traffic").locator('tr[data-broker="e2e-1"]')).toBeVisible({ timeout: 20_000 });
  // The chart starts before the page opened (the page's own first sample comes 5 s after): its agent kept that.
  await expect.poll(async () => Number(await page.getByTestId("traffic").getAttribute("data-since")), { timeout: 10_000 }).toBeLessThan(opened);
  await expect(page.getByTestId("alerts")).toBeVisible();
});

test("Live: refused connection attempts show with the address they came from; ten in a minute raise a spike alert", async ({ page }) => {
  await signInAs(page, "OPERATOR");
  await page.goto("/live");
  await expect(page.getByTestId("link-e2e-1")).toContainText("live", { timeout: 20_000 });
  const b = localBroker("e2e-1");
  const clientId = `intruder-${unique()}`;
  for (let i = 0; i < 10; i++) {
    const pub = spawn("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(b.ports.tlsPassword), "--cafile", path.join(FLEET_DIR, "admin", "ca.crt"), "-u", clientId, "-P", `guess-${i}`, "-i", clientId, "-t", "a", "-m", "x", "-V", "mqttv5"]);
    await new Promise((r) => pub.on("exit", r));
  }
  const row = page.getByTestId("refusals").locator("tr", { hasText: "e2e-1" }).filter({ hasText: "not authorised" }).first();
  await expect(row).toBeVisible({ timeout: 10_000 });
  await expect(row).toContainText("127.0.0.1");
  await expect(page.getByTestId("auth-spike")).toContainText(/\d+ refused connection attempts on e2e-1 in the last minute, from 127\.0\.0\.1/);
});
