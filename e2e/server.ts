// A second server of the same build with its own settings, for what the suite's server is not configured for.
import { spawn } from "node:child_process";
import net from "node:net";
import { expect, type APIRequestContext } from "@playwright/test";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `scripts/serve.mjs` on a free loopback port with these variables; resolves once it is healthy. */
export async function startServer(request: APIRequestContext, env: Record<string, string>): Promise<{ base: string; stop: () => void }> {
  const port = await freePort();
  const server = spawn(process.execPath, ["scripts/serve.mjs"], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", ...env },
    stdio: "ignore",
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = () => void server.kill("SIGTERM");
  try {
    await expect.poll(async () => (await request.get(`${base}/api/v1/health`).catch(() => null))?.status(), { timeout: 60_000 }).toBe(200);
  } catch (e) {
    stop();
    throw e;
  }
  return { base, stop };
}
