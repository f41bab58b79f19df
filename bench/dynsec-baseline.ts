// The baseline: the broker's own tool. One Mosquitto with the dynamic security plugin, and per device the five
// mosquitto_ctrl calls a per-device role needs in 2.0 (no %c in dynsec ACLs): createRole, two addRoleACL,
// createClient, addClientRole. Then the last device connects, as in Fleetward's figure.
import { execFileSync, spawn } from "node:child_process";
import { chownSync, mkdtempSync, readdirSync, writeFileSync, chmodSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import mqtt from "mqtt";
import { reservePorts, stopPids } from "@/lib/fleet/local-fleet";
import { TOOL_TIMEOUT_MS } from "./children";

export async function dynsecBaseline(devices: number): Promise<{ devices: number; totalMs: number; perDeviceMs: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fleetward-dynsec-"));
  chmodSync(dir, 0o755);
  const [port] = await reservePorts(1);
  execFileSync("mosquitto_ctrl", ["dynsec", "init", path.join(dir, "dynsec.json"), "admin", "admin-pass"], { stdio: "ignore", timeout: TOOL_TIMEOUT_MS, killSignal: "SIGKILL" });
  writeFileSync(
    path.join(dir, "mosquitto.conf"),
    [`listener ${port} 127.0.0.1`, "allow_anonymous false", "plugin /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so", `plugin_opt_config_file ${dir}/dynsec.json`, "persistence false", ""].join("\n"),
  );
  if (process.getuid?.() === 0) for (const f of [".", ...readdirSync(dir)]) chownSync(path.join(dir, f), Number(execFileSync("id", ["-u", "mosquitto"]).toString()), Number(execFileSync("id", ["-g", "mosquitto"]).toString()));
  const broker = spawn("mosquitto", ["-c", path.join(dir, "mosquitto.conf")], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 500));
  const ctrl = (...args: string[]) => execFileSync("mosquitto_ctrl", ["-h", "127.0.0.1", "-p", String(port), "-u", "admin", "-P", "admin-pass", "dynsec", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: TOOL_TIMEOUT_MS, killSignal: "SIGKILL" });
  try {
    const t0 = performance.now();
    for (let i = 0; i < devices; i++) {
      const id = `base-${i}`;
      ctrl("createRole", `role-${id}`);
      ctrl("addRoleACL", `role-${id}`, "publishClientSend", `devices/${id}/#`, "allow", "1");
      ctrl("addRoleACL", `role-${id}`, "subscribePattern", `devices/${id}/#`, "allow", "1");
      ctrl("createClient", id, "-p", `pw-${id}`);
      ctrl("addClientRole", id, `role-${id}`, "1");
    }
    const last = `base-${devices - 1}`;
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: last, username: last, password: `pw-${last}`, reconnectPeriod: 0, protocolVersion: 5 });
    const totalMs = performance.now() - t0;
    await c.endAsync();
    return { devices, totalMs, perDeviceMs: totalMs / devices };
  } finally {
    await stopPids([broker.pid!]);
  }
}
