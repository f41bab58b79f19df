// Live views in a real headless Chromium against a real broker, through the production server and its relay: a
// broker connection event until its row is in the page, and a burst of connects and disconnects the page must keep
// up with (final state exact, main thread never blocked long).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import mqtt, { type MqttClient } from "mqtt";
import { AGENT_TOPICS } from "@/lib/domain/agent-command";
import { reservePorts } from "@/lib/fleet/local-fleet";
import { connectPsk } from "@/lib/fleet/testing/psk-client";
import { eventually, startTestFleet, startWorker } from "@/lib/fleet/testing/test-fleet";
import { db } from "@/lib/server/db";
import { createDevicesBulk } from "@/lib/server/services/devices/create-devices-bulk";
import { mintLiveCredential } from "@/lib/server/services/live/mint-live-credential";
import { createUser } from "@/lib/server/services/users/create-user";
import { testActor } from "@/lib/server/testing/fixtures";
import { stopChild } from "./children";
import { holdConnections } from "./connection-holder";
import { percentile, round, type TFigure } from "./figures";

const actor = testActor("bench");
const ROOT = path.resolve(import.meta.dirname, "..");
const LATENCY_SAMPLES = 60;
const CHURN = 1_000;
const KEEP = 200;
const BURST_MS = 10_000;
const HELD = 10_000;

async function startServer(): Promise<{ url: string; process: ChildProcess }> {
  if (!existsSync(path.join(ROOT, ".next/BUILD_ID"))) throw new Error("no production build: run `npm run build` first");
  const [port] = await reservePorts(1);
  const child = spawn(process.execPath, [path.join(ROOT, "scripts/serve.mjs")], { cwd: ROOT, env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production" }, stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  try {
    await eventually(async () => (await fetch(`${url}/api/v1/health`)).ok, "the dashboard to answer", 60_000, 200);
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  return { url, process: child };
}

async function signIn(page: Page, url: string, email: string, password: string) {
  const { csrfToken } = (await (await page.request.get(`${url}/api/auth/csrf`)).json()) as { csrfToken: string };
  await page.request.post(`${url}/api/auth/callback/credentials`, { form: { email, password, csrfToken, json: "true" }, maxRedirects: 0 });
  if ((await page.request.get(`${url}/api/v1/session`)).status() !== 200) throw new Error("the benchmark's operator could not sign in");
}

/** When each client's row was first drawn (after the frame that added it), and the main thread's long tasks. */
function watchPage() {
  const w = window as unknown as { seenAt: Record<string, number>; longTasks: { at: number; ms: number }[] };
  w.seenAt = {};
  w.longTasks = [];
  new MutationObserver((records) => {
    const added: string[] = [];
    for (const r of records) for (const n of r.addedNodes) if (n instanceof HTMLElement && n.dataset.client) added.push(n.dataset.client);
    if (added.length) requestAnimationFrame(() => added.forEach((id) => (w.seenAt[id] ??= Date.now())));
  }).observe(document.body, { childList: true, subtree: true });
  new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push({ at: performance.timeOrigin + e.startTime, ms: e.duration }))).observe({ type: "longtask", buffered: true });
}

const seenAt = (page: Page, id: string) => page.evaluate((i) => (window as unknown as { seenAt: Record<string, number> }).seenAt[i] ?? null, id);

/**
 * The baseline: the same events read by a Node MQTT client with a live credential of its own, straight from the
 * broker's live listener (no relay, no browser). Returns when each client id's connect event arrived.
 */
async function nodeSubscriber(userId: string, brokerName: string, port: number, caPem: string) {
  const session = await db.userSession.create({ data: { userId, expiresAt: new Date(Date.now() + 3_600_000) } });
  const live = await mintLiveCredential({ actor, role: "OPERATOR", sessionId: session.id });
  const link = await eventually(() => mqtt.connectAsync(`wss://127.0.0.1:${port}/mqtt`, { ca: caPem, username: live.username, password: live.password, clientId: live.username, protocolVersion: 5, reconnectPeriod: 0 }).catch(() => null), "the baseline subscriber", 30_000, 100);
  const seen = new Map<string, number>();
  link.on("message", (_t, payload) => {
    const e = JSON.parse(payload.toString()) as { kind: string; clientId: string };
    if (e.kind === "connect" && !seen.has(e.clientId)) seen.set(e.clientId, Date.now());
  });
  await link.subscribeAsync(AGENT_TOPICS.events(brokerName), { qos: 0 });
  return { seen, stop: () => link.endAsync(true) };
}

/** How many connected clients the page shows under a filter (its own count of matching rows). */
async function matching(page: Page, needle: string): Promise<number> {
  await page.getByLabel("Filter connections").fill(needle);
  const text = (await page.getByTestId("match-count").textContent()) ?? "";
  return Number(text.split(" of ")[0]!.replaceAll(",", ""));
}

export async function liveBench(): Promise<TFigure[]> {
  const fleet = startTestFleet(1);
  const worker = startWorker(fleet.dir, "bench-live-worker");
  const server = await startServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  const clients: MqttClient[] = [];
  let baseline: Awaited<ReturnType<typeof nodeSubscriber>> | null = null;
  try {
    const broker = fleet.brokers[0]!;
    const { user, password } = await createUser({ actor, input: { email: `bench-live-${fleet.prefix}@bench.test`, role: "OPERATOR" } });
    const page = await browser.newPage();
    await signIn(page, server.url, user.email, password);
    await page.goto(`${server.url}/live`);
    await eventually(async () => /live/.test((await page.getByTestId(`link-${broker.name}`).textContent()) ?? ""), "the page's live link", 30_000, 100);
    await page.evaluate(watchPage);

    const psk = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ clientId: `${fleet.prefix}-${prefix}-${String(i).padStart(4, "0")}`, tags: [], auth: { type: "psk" as const } }));
    const { devices } = await createDevicesBulk({ actor, input: { devices: [...psk("lat", LATENCY_SAMPLES), ...psk("churn", CHURN), ...psk("keep", KEEP)] } });
    const connect = (d: (typeof devices)[number]) => connectPsk(broker.ports.psk, d.secret.pskIdentity!, d.secret.pskKey!);
    await eventually(async () => (await connect(devices.at(-1)!).then((c) => c.endAsync(true).then(() => true)).catch(() => false)), "the devices usable on the broker", 60_000, 100);

    // Event latency: one connection at a time, from the client's first byte (the broker's CONNACK follows within a few
    // ms) to the row drawn in the page, and to the event read by a plain Node subscriber.
    const node = (baseline = await nodeSubscriber(user.id, broker.name, broker.ports.live!, fleet.caPem));
    const latencies: number[] = [];
    const baselines: number[] = [];
    for (const d of devices.slice(0, LATENCY_SAMPLES)) {
      const at = Date.now();
      const c = await connect(d);
      const seen = await eventually(() => seenAt(page, d.clientId), `${d.clientId} in the page`, 10_000, 5);
      latencies.push(seen - at);
      baselines.push((await eventually(() => node.seen.get(d.clientId), `${d.clientId} at the Node subscriber`, 10_000, 5)) - at);
      await c.endAsync(true);
      await new Promise((r) => setTimeout(r, 100));
    }

    // The burst: CHURN clients connect and disconnect again, KEEP clients connect and stay, all within BURST_MS.
    const churn = devices.slice(LATENCY_SAMPLES, LATENCY_SAMPLES + CHURN);
    const keep = devices.slice(LATENCY_SAMPLES + CHURN);
    const burstStart = Date.now();
    const span = BURST_MS - 2_000;
    const at = (i: number, n: number) => new Promise((r) => setTimeout(r, (i / n) * span));
    await Promise.all([
      ...churn.map(async (d, i) => {
        await at(i, churn.length);
        const c = await connect(d);
        await new Promise((r) => setTimeout(r, 500 + (i % 10) * 100));
        await c.endAsync(true);
      }),
      ...keep.map(async (d, i) => {
        await at(i, keep.length);
        clients.push(await connect(d));
      }),
    ]);
    const burstEnd = Date.now();
    const events = churn.length * 2 + keep.length;
    // Final state: every kept client shown, none of the churned ones; how long after the last event it was so.
    const converged = await eventually(async () => ((await matching(page, `${fleet.prefix}-keep-`)) === KEEP && (await matching(page, `${fleet.prefix}-churn-`)) === 0 ? Date.now() : null), "the page's final state", 30_000, 100).catch(() => null);
    const shownKeep = await matching(page, `${fleet.prefix}-keep-`);
    const shownChurn = await matching(page, `${fleet.prefix}-churn-`);
    const longTasks = await page.evaluate((from) => (window as unknown as { longTasks: { at: number; ms: number }[] }).longTasks.filter((t) => t.at >= from), burstStart);
    const longest = Math.max(0, ...longTasks.map((t) => t.ms));

    // 10,000 clients held connected: the page shows them all, filters and scrolls without blocking, in bounded memory.
    await page.getByLabel("Filter connections").fill("");
    const heap = () => page.evaluate(() => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize / 1_048_576);
    const heapBefore = await heap();
    const held = await createDevicesBulk({ actor, input: { devices: psk("held", HELD) } });
    await eventually(async () => (await connect(held.devices.at(-1)!).then((c) => c.endAsync(true).then(() => true)).catch(() => false)), "the held devices usable", 120_000, 200);
    const holders = await holdConnections(broker.ports.psk, held.devices.map((d) => ({ pskIdentity: d.secret.pskIdentity!, pskKey: d.secret.pskKey! })));
    const allConnected = Date.now();
    let heldFigures: TFigure[];
    try {
      const shownAll = await eventually(async () => ((await matching(page, `${fleet.prefix}-held-`)) === HELD ? Date.now() : null), "10,000 rows in the page", 120_000, 250);
      const atNode = Math.max(...held.devices.map((d) => node.seen.get(d.clientId) ?? NaN));
      const filterStart = Date.now();
      await page.getByLabel("Filter connections").fill(`${fleet.prefix}-held-0042`);
      await eventually(async () => (await page.getByTestId("match-count").textContent())?.startsWith("1 of "), "the filtered row", 10_000, 5);
      const filterMs = Date.now() - filterStart;
      await page.getByLabel("Filter connections").fill("");
      const scrollStart = Date.now();
      await page.getByTestId("connections-scroll").evaluate(async (el) => {
        for (let i = 0; i < 40; i++) {
          el.scrollTop += 9_000;
          await new Promise((r) => setTimeout(r, 50));
        }
      });
      const scrollTasks = await page.evaluate((from) => (window as unknown as { longTasks: { at: number; ms: number }[] }).longTasks.filter((t) => t.at >= from), scrollStart);
      const heapHeld = await heap();
      heldFigures = [
        { name: "live: 10,000 connected, all rows in the page after the last connection", value: Math.max(0, shownAll - allConnected), unit: "ms", goal: null, baseline: { value: Math.max(0, atNode - allConnected), what: "the last connect event at a Node subscriber" } },
        { name: "live: 10,000 connected, filter keystroke to result", value: filterMs, unit: "ms", goal: null, baseline: null },
        { name: "live: 10,000 connected, longest main-thread task while scrolling", value: round(Math.max(0, ...scrollTasks.map((t) => t.ms)), 0), unit: "ms", goal: { op: "<=", value: 100 }, baseline: null, note: "40 scroll steps of 9,000 px" },
        { name: "live: 10,000 connected, page JS heap", value: round(heapHeld), unit: "MiB", goal: null, baseline: { value: round(heapBefore), what: `the same page with ${KEEP} connected` } },
      ];
    } finally {
      await holders.stop();
    }

    return [
      { name: "live: connection event to row drawn, p50", value: round(percentile(latencies, 50), 0), unit: "ms", goal: null, baseline: { value: round(percentile(baselines, 50), 0), what: "event at a Node subscriber" }, note: `${LATENCY_SAMPLES} connections, one at a time, TLS-PSK, Chromium via the relay` },
      { name: "live: connection event to row drawn, p95", value: round(percentile(latencies, 95), 0), unit: "ms", goal: { op: "<=", value: 500 }, baseline: { value: round(percentile(baselines, 95), 0), what: "event at a Node subscriber" } },
      { name: `live: burst of ${events.toLocaleString("en")} events in ${round((burstEnd - burstStart) / 1000)} s, events missing from the final state`, value: Math.abs(KEEP - shownKeep) + shownChurn, unit: "rows", goal: { op: "<=", value: 0 }, baseline: null, note: `${CHURN} clients connected and disconnected, ${KEEP} connected and stayed` },
      { name: "live: burst, final state shown after the last event", value: converged === null ? NaN : Math.max(0, converged - burstEnd), unit: "ms", goal: null, baseline: null },
      { name: "live: burst, longest main-thread task", value: round(longest, 0), unit: "ms", goal: { op: "<=", value: 100 }, baseline: null, note: `${longTasks.length} tasks over 50 ms` },
      ...heldFigures,
    ];
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await baseline?.stop();
    await browser.close();
    await stopChild(server.process, "the live benchmark's web server");
    await worker.kill();
    await fleet.stop();
  }
}
