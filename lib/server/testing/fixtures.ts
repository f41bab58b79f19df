import { randomUUID } from "node:crypto";
import type { TActor } from "../audit";

/** A unique suffix so parallel tests never share data. */
export const unique = () => randomUUID().slice(0, 8);

export const testActor = (label = `test-${unique()}`): TActor => ({
  type: "system",
  id: null,
  label,
  ip: "192.0.2.10",
  userAgent: "vitest",
});

/** A documentation-range IP (RFC 5737) of its own for each test, so IP throttling never crosses tests. */
export const testIp = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}-${unique()}`;
