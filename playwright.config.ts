import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: "./e2e",
  timeout: 30_000,
  workers: process.env.CI ? 1 : 2,
  forbidOnly: Boolean(process.env.CI),
  reporter: [["list"]],
  outputDir: "./test-results",
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: "chromium",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
  webServer: {
    command: "node scripts/serve.mjs",
    url: `http://127.0.0.1:${port}/api/v1/health`,
    // Every test speaks from 127.0.0.1, and the permission tests send an invalid token to every route on purpose:
    // the limit on invalid tokens per address is lifted here and proven on a server of its own (rate-limits.spec).
    env: { PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", FLEETWARD_API_AUTH_FAILURES_PER_IP: "1000000" },
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
