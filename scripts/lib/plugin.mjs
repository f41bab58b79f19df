// Builds Fleetward's Mosquitto plugin (broker-plugin/) with Debian's compiler and headers: build/fleetward.so for
// brokers, build/fleetward-asan.so (AddressSanitizer and UBSan) for the tests. make rebuilds only what changed.
import { command, ensureDebianPackages, file } from "./debian.mjs";
import { run } from "./run.mjs";

export const PLUGIN_PACKAGES = [
  command("gcc"),
  command("make"),
  file("mosquitto-dev", "/usr/include/mosquitto_plugin.h"),
  file("libmosquitto-dev", "/usr/include/mosquitto.h"),
  file("libssl-dev", "/usr/include/openssl/ssl.h"),
  file("libcjson-dev", "/usr/include/cjson/cJSON.h"),
  file("uthash-dev", "/usr/include/uthash.h"),
];

export function buildPlugin() {
  ensureDebianPackages(PLUGIN_PACKAGES, "to build the broker plugin");
  run("make", ["-s", "-C", "broker-plugin", "all", "asan"]);
}
