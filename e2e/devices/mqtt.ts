import { execFileSync } from "node:child_process";
import { expect } from "@playwright/test";

/** Debian's mosquitto_pub against a broker listener, retried while the new state reaches the broker. */
export async function publishes(port: number, clientId: string, flags: string[], want = true) {
  await expect
    .poll(
      () => {
        try {
          execFileSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(port), "-i", clientId, "-t", `devices/${clientId}/t`, "-m", "x", "-q", "1", "-V", "mqttv5", ...flags], { stdio: "ignore", timeout: 10_000 });
          return true;
        } catch {
          return false;
        }
      },
      { timeout: 20_000, intervals: [250] },
    )
    .toBe(want);
}
