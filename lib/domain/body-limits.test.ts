import { describe, expect, it } from "vitest";
import { API, type TApiSpec } from "@/lib/schemas/api";
import { bodyLimitFor, MAX_BODY_BYTES, MAX_BULK_BODY_BYTES } from "./body-limits.mjs";

describe("body limits", () => {
  it("the HTTP server's limit for every route is the one its gate applies", () => {
    for (const [name, spec] of Object.entries(API) as [string, TApiSpec][]) {
      const concrete = spec.path.replace(/\{[^}]+\}/g, "x");
      expect(bodyLimitFor(spec.method, concrete), name).toBe(spec.maxBodyBytes ?? MAX_BODY_BYTES);
    }
  });

  it("bulk import keeps its limit however its path is encoded; everything else, sign-in included, has the default", () => {
    expect(bodyLimitFor("POST", "/api/v1/devices%3Abulk")).toBe(MAX_BULK_BODY_BYTES);
    expect(bodyLimitFor("PUT", "/api/v1/devices:bulk")).toBe(MAX_BODY_BYTES);
    expect(bodyLimitFor("POST", "/api/auth/callback/credentials")).toBe(MAX_BODY_BYTES);
    expect(bodyLimitFor("POST", "/%E0%A4%A")).toBe(MAX_BODY_BYTES);
  });
});
