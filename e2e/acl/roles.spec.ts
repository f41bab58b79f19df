import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { localBroker } from "../fleet";
import { bearer, signInAs, unique } from "../fixtures";
import { FLEET_DIR } from "../state";

const BROKERS = ["e2e-1", "e2e-2"];
const CA = path.join(FLEET_DIR, "admin", "ca.crt");
type TDevice = { id: string; clientId: string; password: string };

async function newDevice(request: APIRequestContext, roles: { rolename: string; priority: number }[]): Promise<TDevice> {
  const res = await request.post("/api/v1/devices", { headers: bearer("OPERATOR"), data: { clientId: `role-${unique()}`, auth: { type: "password" }, roles } });
  expect(res.status(), await res.text()).toBe(201);
  const body = (await res.json()) as { device: { id: string; clientId: string }; secret: { password: string } };
  return { ...body.device, password: body.secret.password };
}

const login = (d: TDevice) => ["--cafile", CA, "-u", d.clientId, "-P", d.password, "-i", d.clientId, "-V", "mqttv5"];

/**
 * Debian's mosquitto_pub at QoS 1: true when the broker accepted the message. It exits 0 even when the broker
 * refuses the message, so its debug output is read: the PUBACK's MQTT 5 reason code (135: not authorised).
 */
function published(port: number, d: TDevice, topic: string): boolean {
  try {
    const out = execFileSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(port), ...login(d), "-t", topic, "-m", "x", "-q", "1", "-d"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 });
    const ack = /received PUBACK \(Mid: \d+, RC:(\d+)/.exec(out);
    if (!ack) throw new Error(`no PUBACK in mosquitto_pub's output: ${out}`);
    return Number(ack[1]) < 128; // 0 success, 16 no matching subscribers; 128 and above: refused
  } catch (e) {
    if ((e as { status?: number }).status !== undefined) return false;
    throw e;
  }
}

/**
 * Debian's mosquitto_sub for one message while `sender` publishes one: the payload it got, or null. It says (-d, line-buffered) when
 * the broker answered its subscription, and the message is published only then. A delivery comes at once; a refusal
 * has no event of its own, so when none is `expected` the subscriber is given 3 s after the publish.
 */
async function received(port: number, d: TDevice, sender: TDevice, topic: string, expected: "message" | "none"): Promise<string | null> {
  const sub = spawn("stdbuf", ["-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", String(port), ...login(d), "-t", topic, "-q", "1", "-C", "1", "-W", "30", "-d"]);
  let out = "";
  let exited = false;
  sub.stdout.on("data", (b: Buffer) => (out += b.toString()));
  const done = new Promise<void>((resolve) => sub.on("exit", () => ((exited = true), resolve())));
  await expect.poll(() => exited || out.includes("received SUBACK"), { timeout: 20_000 }).toBe(true);
  expect(published(port, sender, topic), `${sender.clientId} publishes ${topic}`).toBe(true);
  const late = expected === "none" ? setTimeout(() => sub.kill(), 3_000) : undefined;
  await done;
  clearTimeout(late);
  // The payload follows the PUBLISH line; the debug line for the PUBACK the client sends may come between them.
  const lines = out.split("\n");
  const at = lines.findIndex((l) => l.includes("received PUBLISH"));
  return at < 0 ? null : lines.slice(at + 1).find((l) => l.trim() && !l.startsWith("Client "))?.trim() ?? null;
}

async function simulated(request: APIRequestContext, d: TDevice, action: "publish" | "receive", topic: string): Promise<boolean> {
  const res = await request.post("/api/v1/acl/simulate", { headers: bearer("AUDITOR"), data: { deviceId: d.id, action, topic } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { allowed: boolean }).allowed;
}

test("a role changed in the browser is reviewed, pushed, and enforced on every broker exactly as the simulator says", async ({ page, request }) => {
  const line = `line-${unique()}`;
  const rule = (acltype: string, topic: string) => ({ acltype, topic, allow: true, priority: 0 });
  const created = await request.post("/api/v1/roles", { headers: bearer("OPERATOR"), data: { name: line, acls: [rule("publishClientSend", "line/${clientId}/out"), rule("subscribePattern", "line/${clientId}/out")] } });
  expect(created.status(), await created.text()).toBe(201);
  const commander = `cmd-${unique()}`;
  expect((await request.post("/api/v1/roles", { headers: bearer("OPERATOR"), data: { name: commander, acls: [rule("publishClientSend", "line/+/in")] } })).status()).toBe(201);
  const device = await newDevice(request, [{ rolename: line, priority: 0 }]);
  const sender = await newDevice(request, [{ rolename: commander, priority: 0 }]);
  const inTopic = `line/${device.clientId}/in`;
  const checks: [string, "publish" | "receive"][] = [[`line/${device.clientId}/out`, "publish"], [inTopic, "publish"], [`line/other-${unique()}/out`, "publish"]];

  // Before: receiving its commands is not allowed, and no broker delivers them.
  await expect.poll(() => published(localBroker(BROKERS[0]!).ports.tlsPassword, device, `line/${device.clientId}/out`), { timeout: 20_000 }).toBe(true);
  expect(await simulated(request, device, "receive", inTopic)).toBe(false);
  for (const b of BROKERS) expect(await received(localBroker(b).ports.tlsPassword, device, sender, inTopic, "none"), `${b} before`).toBeNull();

  // In the browser: let it subscribe to its commands, review what changes, save, and watch it reach every broker.
  await signInAs(page, "OPERATOR");
  await page.goto("/roles");
  await page.getByRole("list", { name: "Roles" }).getByRole("button", { name: new RegExp(`^${line}`) }).click();
  const editor = page.getByLabel("Role editor");
  await expect(editor.getByLabel("Name", { exact: true })).toHaveValue(line);
  await editor.getByRole("button", { name: "Add rule" }).click();
  const added = editor.getByLabel("Rule 3", { exact: true });
  await added.getByLabel("Type (rule 3)").selectOption("subscribePattern");
  await added.getByLabel("Topic").fill("line/${clientId}/in");
  await expect(added).toContainText("A device with this role may subscribe to filters within line/${clientId}/in (priority 0).");
  await editor.getByRole("button", { name: "Review and save" }).click();
  const review = page.getByRole("dialog", { name: "Review the change" });
  await expect(review.getByTestId("preview-summary")).toContainText("1 device change on every broker. Sessions disconnected: 0");
  await expect(review).toContainText(`+ topic read line/${device.clientId}/in`);
  await review.getByRole("button", { name: "Save and push" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Enforced on every broker" })).toBeVisible({ timeout: 20_000 });

  // After: every broker decides as the simulator says, for Debian's own clients.
  expect(await simulated(request, device, "receive", inTopic)).toBe(true);
  for (const b of BROKERS) {
    const port = localBroker(b).ports.tlsPassword;
    expect(await received(port, device, sender, inTopic, "message"), `${b}: the command is delivered`).toBe("x");
    for (const [topic, action] of checks) expect(published(port, device, topic), `${b}: ${action} ${topic}`).toBe(await simulated(request, device, action, topic));
  }
  expect(await simulated(request, device, "publish", `line/${device.clientId}/out`)).toBe(true);
  expect(await simulated(request, device, "publish", inTopic)).toBe(false);
});

test("bad rules are named beside their fields in the editor, and nothing is saved", async ({ page, request }) => {
  await signInAs(page, "OPERATOR");
  await page.goto("/roles");
  await page.getByRole("button", { name: "New role" }).click();
  const editor = page.getByLabel("Role editor");
  const name = `bad-${unique()}`;
  await editor.getByLabel("Name", { exact: true }).fill(name);
  await editor.getByLabel("Rule 1", { exact: true }).getByLabel("Topic").fill("a/#/b");
  await editor.getByRole("button", { name: "Add rule" }).click();
  await editor.getByLabel("Rule 2", { exact: true }).getByLabel("Topic").fill("x/${deviceId}");
  await editor.getByLabel("Rule 2", { exact: true }).getByLabel("Priority").fill("high");
  await editor.getByRole("button", { name: "Review and save" }).click();
  await expect(editor.getByLabel("Rule 1", { exact: true })).toContainText("may use # only as the whole last level");
  await expect(editor.getByLabel("Rule 2", { exact: true })).toContainText("the only templates are ${clientId} and ${username}");
  await expect(editor.getByLabel("Rule 2", { exact: true })).toContainText("must be a whole number");
  expect((await request.get(`/api/v1/roles/${name}`, { headers: bearer("AUDITOR") })).status()).toBe(404);
});

test("the roles API names every bad rule by its index and writes nothing", async ({ request }) => {
  const name = `api-${unique()}`;
  const bad = [
    { acltype: "publishClientSend", topic: "a/b#", allow: true },
    { acltype: "subscribeLiteral", topic: "a\u0000b", allow: true },
    { acltype: "publishPattern", topic: "a", allow: true },
    { acltype: "publishClientSend", topic: "a", priority: 2_000_000 },
    { acltype: "publishClientSend", topic: "x".repeat(65_536) },
  ];
  const res = await request.post("/api/v1/roles", { headers: bearer("OPERATOR"), data: { name, acls: bad } });
  expect(res.status()).toBe(422);
  const { fields } = ((await res.json()) as { error: { fields: Record<string, string> } }).error;
  expect(fields).toMatchObject({ "acls.0.topic": expect.stringContaining("#"), "acls.1.topic": expect.stringContaining("U+0000"), "acls.2.acltype": expect.stringContaining("must be one of"), "acls.3.priority": expect.stringContaining("at most"), "acls.4.topic": expect.stringContaining("65535 bytes") });
  const many = Array.from({ length: 10_000 }, (_, i) => ({ acltype: "publishClientSend", topic: `t/${i}`, allow: true }));
  const big = await request.post("/api/v1/roles", { headers: bearer("OPERATOR"), data: { name, acls: many } });
  expect(big.status()).toBe(422);
  expect(((await big.json()) as { error: { fields: Record<string, string> } }).error.fields["acls.1000"]).toContain("at most 1000 rules");
  expect((await request.get(`/api/v1/roles/${name}`, { headers: bearer("AUDITOR") })).status()).toBe(404);
});
