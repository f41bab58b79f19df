// Overview and Devices loaded in headless Chromium from the production server, with 100,000 devices, 1,000,000
// audit events and a fleet of 3 brokers kept in sync by a worker; the login page, loaded the same way, is the
// baseline. And the server's memory while the pages load.
//
// "Interactive" is measured in the page, from the start of the navigation (a redirect included): the first frame in
// which the page shows its data and React has hydrated its controls. Data: Overview's fleet card lists brokers and
// its recent-activity table has rows (both rendered on the server); Devices' table has rows (fetched by the
// browser after hydration). Hydrated: React has attached its handlers to the sidebar's links (to the login form on
// the login page). After each load a click on the sidebar must then move to the other page without a new document
// (a client transition: the handlers work), or the benchmark fails.
import { chromium, type Browser, type Page } from "@playwright/test";
import { eventually, startTestFleet, startWorker } from "@/lib/fleet/testing/test-fleet";
import { db } from "@/lib/server/db";
import { createUser } from "@/lib/server/services/users/create-user";
import { testActor, unique } from "@/lib/server/testing/fixtures";
import { percentile, round, type TFigure } from "./figures";
import { seedAuditLog } from "./seed-audit-log";
import { SEEDED_DEVICES, seedDevices } from "./seed-devices";
import { benchServer, memoryFigure } from "./web-server";

const LOADS = 10;
const GOAL_MS = 1_000;

/** Runs in every document before its own scripts; sets window.interactiveAt (ms since the navigation started). */
function watchInteractive() {
  const w = window as unknown as { interactiveAt?: number };
  const handles = (el: Element | null, handler: string) => {
    const key = el ? Object.keys(el).find((k) => k.startsWith("__reactProps$")) : undefined;
    return !!key && typeof (el as unknown as Record<string, Record<string, unknown>>)[key]![handler] === "function";
  };
  const rows = (selector: string) => document.querySelectorAll(selector).length > 0;
  const ready = () => {
    if (location.pathname === "/login") return handles(document.querySelector("form"), "onSubmit");
    if (!handles(document.querySelector('nav[aria-label="Main"] a'), "onClick")) return false;
    if (location.pathname === "/overview") return rows('[data-testid="fleet-summary"] li') && rows('[data-testid="audit-events"] tbody tr');
    return location.pathname === "/devices" && rows('[data-testid^="device-row-"]');
  };
  const frame = () => (ready() ? (w.interactiveAt = performance.now()) : requestAnimationFrame(frame));
  requestAnimationFrame(frame);
}

type TLoad = { ms: number; firstByteMs: number };

/** One load of `url` until interactive, and when its document's first byte came; `then` checks the page afterwards. */
async function load(page: Page, url: string, then?: () => Promise<void>): Promise<TLoad> {
  await page.goto(url, { waitUntil: "commit" });
  await page.waitForFunction(() => (window as unknown as { interactiveAt?: number }).interactiveAt, null, { timeout: 30_000 });
  const times = await page.evaluate(() => ({ ms: (window as unknown as { interactiveAt: number }).interactiveAt, firstByteMs: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).responseStart }));
  await then?.();
  return times;
}

/** Clicks the sidebar's link to `label` and fails unless the page moved there without loading a new document. */
async function clientTransition(page: Page, label: string, path: string) {
  await page.evaluate(() => ((window as unknown as { kept: boolean }).kept = true));
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true }).click();
  await page.waitForURL((u) => u.pathname === path, { timeout: 10_000 });
  if (!(await page.evaluate(() => (window as unknown as { kept?: boolean }).kept))) throw new Error(`the sidebar's ${label} link loaded a new document: the page was not hydrated`);
}

/** Until every broker holds the desired state as it is now (an Overview load mints a live credential: a new one). */
async function settled(timeoutMs: number) {
  const { revision } = await db.fleetState.findUniqueOrThrow({ where: { id: 1 } });
  await eventually(async () => (await db.broker.findMany({ select: { appliedRevision: true } })).every((b) => b.appliedRevision >= revision), "the brokers to apply the desired state", timeoutMs, 250);
}

/** `LOADS` timed loads after one untimed one (the browser's cache then holds the scripts, as for an operator). */
async function timedLoads(page: Page, url: string, between: () => Promise<void>, then?: () => Promise<void>): Promise<TLoad[]> {
  const loads: TLoad[] = [];
  for (let i = 0; i <= LOADS; i++) {
    await between();
    const l = await load(page, url, then);
    if (i > 0) loads.push(l);
  }
  console.log(`[bench] ${url}: interactive after ${loads.map((l) => Math.round(l.ms)).join(", ")} ms (first byte ${loads.map((l) => Math.round(l.firstByteMs)).join(", ")} ms)`);
  return loads;
}

async function signIn(page: Page, url: string, email: string, password: string) {
  await page.goto(`${url}/login`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname === "/overview", { timeout: 30_000 });
}

/** A browser context that records when each page became interactive. */
async function watchedContext(browser: Browser) {
  const context = await browser.newContext();
  // tsx keeps function names by wrapping functions in __name(), which the page does not define.
  await context.addInitScript({ content: "globalThis.__name = (f) => f;" });
  await context.addInitScript(watchInteractive);
  return context;
}

async function measure(browser: Browser, url: string, email: string, password: string) {
  const anonymous = await watchedContext(browser);
  const login = await timedLoads(await anonymous.newPage(), `${url}/login`, async () => {});
  await anonymous.close();
  const context = await watchedContext(browser);
  const page = await context.newPage();
  await signIn(page, url, email, password);
  // The Overview mints its live credential just after it hydrates: let that land, then wait for the brokers.
  const quiet = () => new Promise((r) => setTimeout(r, 500)).then(() => settled(60_000));
  const overview = await timedLoads(page, `${url}/`, quiet, () => clientTransition(page, "Devices", "/devices"));
  const brokers = await page.goto(`${url}/overview`).then(() => page.getByTestId("fleet-summary").locator("li").count());
  const devices = await timedLoads(page, `${url}/devices`, quiet, () => clientTransition(page, "Overview", "/overview"));
  await context.close();
  return { login, overview, devices, brokers };
}

export async function pagesBench(): Promise<TFigure[]> {
  await seedDevices();
  await seedAuditLog();
  const fleet = startTestFleet(3);
  const syncStart = performance.now();
  const worker = startWorker(fleet.dir, "bench-pages-worker");
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  try {
    const server = await benchServer();
    await settled(600_000);
    console.log(`[bench] 3 brokers in sync with ${SEEDED_DEVICES.toLocaleString("en")} devices ${round((performance.now() - syncStart) / 1000)} s after the worker started`);
    const { user, password } = await createUser({ actor: testActor("bench"), input: { email: `bench-pages-${unique()}@bench.test`, role: "ADMIN" } });
    const { result, peakMb } = await server.peakDuring(() => measure(browser, server.url, user.email, password));
    if (result.brokers < 3) throw new Error(`the Overview listed ${result.brokers} brokers, not the fleet's 3`);
    const p = (loads: TLoad[], n: number, key: keyof TLoad = "ms") => round(percentile(loads.map((l) => l[key]), n), 0);
    const baseline = { value: p(result.login, 95), what: "the login page, p95" };
    const figure = (page: string, loads: TLoad[]): TFigure => ({
      name: `${page} page load to interactive, p95 of ${LOADS}`,
      value: p(loads, 95),
      unit: "ms",
      goal: { op: "<=", value: GOAL_MS },
      baseline,
      note: `p50 ${p(loads, 50)} ms, first byte p50 ${p(loads, 50, "firstByteMs")} ms (login page: p50 ${p(result.login, 50)} ms); warm browser cache, headless Chromium`,
    });
    return [
      figure(`Overview (/, ${SEEDED_DEVICES.toLocaleString("en")} devices, 3 brokers)`, result.overview),
      figure(`Devices (${SEEDED_DEVICES.toLocaleString("en")} devices)`, result.devices),
      memoryFigure(server, peakMb, "while the login, Overview and Devices pages load"),
    ];
  } finally {
    await browser.close();
    await worker.kill();
    await fleet.stop();
  }
}
