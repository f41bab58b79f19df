// npm run build:plugin: builds broker-plugin/build/fleetward.so and its sanitizer build (scripts/lib/plugin.mjs).
import { buildPlugin } from "./lib/plugin.mjs";

try {
  buildPlugin();
} catch (e) {
  console.error(`[build:plugin] FAILED: ${e.message}`);
  process.exit(1);
}
