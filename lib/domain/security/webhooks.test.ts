import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook } from "./webhook-signature";
import { findingEvent, MAX_ATTEMPTS, nextAttemptAt, ZWebhookUrl } from "./webhooks";

describe("webhooks", () => {
  it("signs the timestamp and body; a receiver refuses another body, key, or an old timestamp", () => {
    const body = JSON.stringify({ event: "ping" });
    const h = signWebhook("whsec_a", 1_800_000_000, body);
    expect(h).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook("whsec_a", h, body, 1_800_000_100)).toBe(true);
    expect(verifyWebhook("whsec_a", h, body + " ", 1_800_000_100)).toBe(false);
    expect(verifyWebhook("whsec_b", h, body, 1_800_000_100)).toBe(false);
    expect(verifyWebhook("whsec_a", h, body, 1_800_001_000)).toBe(false);
    expect(verifyWebhook("whsec_a", "v1=abc", body, 1_800_000_000)).toBe(false);
  });

  it("backs off, then gives up", () => {
    const at = new Date("2026-11-22T00:00:00Z");
    expect(nextAttemptAt(1, at)!.getTime() - at.getTime()).toBe(10_000);
    expect(nextAttemptAt(MAX_ATTEMPTS - 1, at)!.getTime() - at.getTime()).toBe(7_200_000);
    expect(nextAttemptAt(MAX_ATTEMPTS, at)).toBeNull();
  });

  it("takes https URLs, plain http only to loopback, never credentials", () => {
    const err = (u: string) => ZWebhookUrl.safeParse(u).error?.issues[0]?.message ?? null;
    expect(err("https://hooks.example.com/fleetward?k=1")).toBeNull();
    expect(err("http://127.0.0.1:9000/hook")).toBeNull();
    expect(err("http://hooks.example.com/x")).toMatch(/https/);
    expect(err("ftp://x/y")).toMatch(/https/);
    expect(err("https://u:p@hooks.example.com/")).toMatch(/user name/);
    expect(err("not a url")).toMatch(/absolute URL/);
  });

  it("announces high and critical findings and expiring certificates only", () => {
    expect(findingEvent({ rule: "brute-force", severity: "high" })).toBe("finding.high");
    expect(findingEvent({ rule: "revoked-connected", severity: "critical" })).toBe("finding.high");
    expect(findingEvent({ rule: "certificate-expiring", severity: "medium" })).toBe("certificate.expiring");
    expect(findingEvent({ rule: "new-network", severity: "low" })).toBeNull();
  });
});
