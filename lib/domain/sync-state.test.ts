import { describe, expect, it } from "vitest";
import { syncState, type TSyncFacts } from "./sync-state";

const now = new Date("2026-01-01T12:00:00Z");
const digests = { passwd: "a", acl: "b", psk: "c", "crl.pem": "d" };
const healthy: TSyncFacts = {
  lastSeenAt: new Date(now.getTime() - 3_000),
  desiredRevision: 7n,
  appliedRevision: 7n,
  expectedDigests: digests,
  actualDigests: digests,
  lastError: null,
  lastErrorAt: null,
  appliedAt: new Date(now.getTime() - 60_000),
};

describe("syncState", () => {
  it("is in sync when the applied revision is the desired one and files match", () => {
    expect(syncState(healthy, now)).toBe("in_sync");
  });
  it("is syncing while behind", () => {
    expect(syncState({ ...healthy, appliedRevision: 6n }, now)).toBe("syncing");
  });
  it("is drifted when a file on the broker no longer matches what was applied", () => {
    expect(syncState({ ...healthy, actualDigests: { ...digests, passwd: "wiped" } }, now)).toBe("drifted");
  });
  it("is offline when the agent is silent, whatever else is true", () => {
    expect(syncState({ ...healthy, lastSeenAt: new Date(now.getTime() - 60_000) }, now)).toBe("offline");
    expect(syncState({ ...healthy, lastSeenAt: null }, now)).toBe("offline");
  });
  it("is in error after a failed apply, until a later apply succeeds", () => {
    const failed = { ...healthy, lastError: "refused", lastErrorAt: new Date(now.getTime() - 1_000) };
    expect(syncState(failed, now)).toBe("error");
    expect(syncState({ ...failed, appliedAt: new Date(now.getTime() - 500) }, now)).toBe("in_sync");
  });
});
