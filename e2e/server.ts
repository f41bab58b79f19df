// A second server of the same build with its own settings, for what the suite's server is not configured for.
import { spawn } from "node:child_process";
import net from "node:net";
import tls from "node:tls";
import { expect, type APIRequestContext } from "@playwright/test";

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `scripts/serve.mjs` on a free loopback port with these variables; resolves once it is healthy. With
 * FLEETWARD_TLS_CERT_FILE it serves HTTPS (its certificate is not checked here).
 */
export async function startServer(request: APIRequestContext, env: Record<string, string>, port?: number): Promise<{ base: string; port: number; pid: number; stop: () => void }> {
  port ??= await freePort();
  const server = spawn(process.execPath, ["scripts/serve.mjs"], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", ...env },
    stdio: "ignore",
  });
  const base = `${env.FLEETWARD_TLS_CERT_FILE ? "https" : "http"}://127.0.0.1:${port}`;
  const stop = () => void server.kill("SIGTERM");
  try {
    await expect.poll(async () => (await request.get(`${base}/api/v1/health`, { ignoreHTTPSErrors: true }).catch(() => null))?.status(), { timeout: 60_000 }).toBe(200);
  } catch (e) {
    stop();
    throw e;
  }
  return { base, port, pid: server.pid!, stop };
}

/**
 * Opens the live relay's WebSocket for this broker as a browser would (its origin, its cookie) and returns the
 * status the server answered the upgrade with: 101 when it joined the broker's wss listener.
 */
export function relayUpgradeStatus(base: string, brokerId: string, cookie: string, headers: Record<string, string> = {}): Promise<number> {
  const url = new URL(`${base}/api/v1/live/ws/${brokerId}`);
  const lines = [
    `GET ${url.pathname} HTTP/1.1`,
    `Host: ${url.host}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Version: 13",
    `Sec-WebSocket-Key: ${Buffer.from("fleetward-e2e-key").toString("base64")}`,
    "Sec-WebSocket-Protocol: mqtt",
    `Origin: ${url.origin}`,
    `Cookie: ${cookie}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return new Promise((resolve, reject) => {
    const port = Number(url.port);
    const socket = url.protocol === "https:" ? tls.connect({ host: url.hostname, port, rejectUnauthorized: false }) : net.connect({ host: url.hostname, port });
    socket.once(url.protocol === "https:" ? "secureConnect" : "connect", () => socket.write(`${lines.join("\r\n")}\r\n\r\n`));
    socket.once("data", (chunk: Buffer) => {
      socket.destroy();
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(chunk.toString("latin1"))?.[1] ?? 0));
    });
    socket.once("error", reject);
    socket.setTimeout(15_000, () => (socket.destroy(), reject(new Error("no answer to the upgrade"))));
  });
}
