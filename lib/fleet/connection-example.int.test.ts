import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { mqttJsExample } from "@/lib/domain/connection-examples";
import { createDevice } from "@/lib/server/services/devices/create-device";
import { testActor, unique } from "@/lib/server/testing/fixtures";
import { connectAdmin } from "./admin-channel";
import { eventually } from "./testing/test-fleet";
import { fleetSuite } from "./testing/fleet-suite";
import { helloWatcher } from "./testing/tls13-psk-hello";

const actor = testActor();
const suite = fleetSuite(1);
const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");

function pskHandshake(port: number, identity: string, keyHex: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: "127.0.0.1", port, pskCallback: () => ({ identity, psk: Buffer.from(keyHex, "hex") }), checkServerIdentity: () => undefined });
    s.once("secureConnect", () => (s.destroy(), resolve()));
    s.once("error", reject);
  });
}

describe("the mqtt.js example a new PSK device is given", () => {
  it("connects to a real broker's PSK listener over TLS 1.3 and publishes, run as it is shown", async () => {
    const { device, secret } = await createDevice({ actor, input: { clientId: `example-${unique()}`, tags: [], auth: { type: "psk" } } });
    const b = suite.fleet.brokers[0]!;
    await eventually(() => pskHandshake(b.ports.psk, device.clientId, secret.pskKey!).then(() => true), "the broker to know the PSK", 30_000, 200);
    const file = (f: string) => readFileSync(path.join(suite.fleet.dir, "admin", f), "utf8");
    const admin = await connectAdmin({ name: b.name, host: "127.0.0.1", adminPort: b.ports.admin, caPem: file("ca.crt"), adminCertPem: file("admin.crt"), adminKeyPem: file("admin.key") });
    const seen: string[] = [];
    admin.on("message", (t, p) => seen.push(`${t} ${String(p)}`));
    await admin.subscribeAsync(`devices/${device.clientId}/#`);
    // Through a relay that reads the handshake's ServerHello; the example's `mqtt` import resolves from a linked node_modules.
    const watcher = await helloWatcher(b.ports.psk);
    const dir = mkdtempSync(path.join(os.tmpdir(), "fleetward-example-"));
    try {
      symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
      writeFileSync(path.join(dir, "example.mjs"), mqttJsExample({ authType: "PSK", clientId: device.clientId, url: `mqtts://127.0.0.1:${watcher.port}` }));
      await run(process.execPath, [path.join(dir, "example.mjs")], { env: { ...process.env, DEVICE_PSK_HEX: secret.pskKey! }, timeout: 15_000 });
      await eventually(() => seen.length === 1, "the example's message at the admin channel");
      expect(seen).toEqual([`devices/${device.clientId}/hello hello`]);
      expect(watcher.answers).toEqual([{ kind: "hello", version: "TLSv1.3", suite: "TLS_AES_128_GCM_SHA256", keyShare: "X25519", pskSelected: true, retry: false }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await watcher.close();
      await admin.endAsync();
    }
  }, 60_000);
});
