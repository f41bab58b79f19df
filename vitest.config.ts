import path from "node:path";
import { defineConfig } from "vitest/config";

const shared = {
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Server modules guard against client bundles with `server-only`; tests run them on the server.
      "server-only": path.resolve(import.meta.dirname, "lib/server/testing/server-only-stub.ts"),
    },
  },
};

export default defineConfig({
  test: {
    projects: [
      // Property tests run hundreds of cases: on a loaded 2-core machine one takes several times its quiet time, so the
      // bound is generous (it is not a speed goal; `npm run bench` measures those).
      { ...shared, test: { name: "unit", include: ["lib/**/*.test.ts"], exclude: ["lib/**/*.int.test.ts"], environment: "node", testTimeout: 120_000 } },
      {
        ...shared,
        test: { name: "integration", include: ["lib/**/*.int.test.ts", "scripts/**/*.int.test.ts"], environment: "node", testTimeout: 30_000, fileParallelism: false },
      },
      // A whole deployment hurt while it works (npm run test:faults; npm test runs the short form): needs the build.
      { ...shared, test: { name: "faults", include: ["faults/**/*.test.ts"], environment: "node", testTimeout: 300_000, hookTimeout: 300_000, fileParallelism: false } },
    ],
  },
});
