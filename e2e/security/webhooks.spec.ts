import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { SIGNATURE_HEADER, verifyWebhook } from "@/lib/domain/security/webhook-signature";
import { bearer, newUser, signInAs, unique } from "../fixtures";

// A receiver on loopback, as an on-call tool would run one: it keeps what it was sent, with the signature header.
type TReceived = { headers: http.IncomingHttpHeaders; raw: string };

async function receiver() {
  const received: TReceived[] = [];
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c));
    req.on("end", () => (received.push({ headers: req.headers, raw }), res.writeHead(204).end()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fleetward`, close: () => server.close() };
}

test("an admin adds a webhook: its key is shown once, a test ping and a new high-severity finding arrive signed with it", async ({ page, request }) => {
  const r = await receiver();
  try {
    const name = `on-call-${unique()}`;
    await signInAs(page, "ADMIN");
    await page.goto("/security");
    await page.getByRole("button", { name: "Add webhook" }).click();
    // A plain-http URL off loopback is refused beside the field.
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill(name);
    await dialog.getByLabel("URL").fill("http://hooks.example.com/x");
    await page.getByRole("button", { name: "Add webhook" }).last().click();
    await expect(page.getByText("must use https (plain http only to a loopback address)")).toBeVisible();
    await dialog.getByLabel("URL").fill(r.url);
    await page.getByRole("button", { name: "Add webhook" }).last().click();
    const secret = (await page.getByTestId("secret-value").textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole("button", { name: "Done" }).click();

    const row = page.getByTestId(`webhook-${name}`);
    await row.getByRole("button", { name: "Send test" }).click();
    await expect(page.getByTestId("delivery-row").first()).toContainText("delivered");
    // The row shows the last delivery as of its own poll (every 3 s).
    await expect(row).toContainText("delivered", { timeout: 10_000 });
    const ping = r.received.find((x) => x.headers["x-fleetward-event"] === "ping")!;
    expect(verifyWebhook(secret, String(ping.headers[SIGNATURE_HEADER]), ping.raw, Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifyWebhook("whsec_wrong", String(ping.headers[SIGNATURE_HEADER]), ping.raw, Math.floor(Date.now() / 1000))).toBe(false);

    // A new admin without a second factor is a new high finding once the posture checks run: it is announced.
    const { email } = newUser("ADMIN");
    const run = await request.post("/api/v1/security/posture/run", { headers: bearer("ADMIN"), data: {} });
    expect(run.status()).toBe(200);
    await expect.poll(() => r.received.some((x) => x.raw.includes(`"subject":"${email}"`)), { timeout: 15_000 }).toBe(true);
    const notice = r.received.find((x) => x.raw.includes(`"subject":"${email}"`))!;
    expect(notice.headers["x-fleetward-event"]).toBe("finding.high");
    expect(JSON.parse(notice.raw)).toMatchObject({ event: "finding.high", data: { finding: { rule: "two-factor-missing", severity: "high", subject: email } } });
    expect(verifyWebhook(secret, String(notice.headers[SIGNATURE_HEADER]), notice.raw, Math.floor(Date.now() / 1000))).toBe(true);

    // An auditor sees the webhook and its deliveries, never its key, and may not add one.
    const list = await request.get("/api/v1/webhooks", { headers: bearer("AUDITOR") });
    expect(JSON.stringify(await list.json())).not.toContain(secret);
    const audit = await request.get(`/api/v1/audit?action=webhook.create&q=${encodeURIComponent(name)}`, { headers: bearer("AUDITOR") });
    expect((await audit.json()).items).toHaveLength(1);
  } finally {
    r.close();
  }
});
