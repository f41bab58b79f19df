import { describe, expect, it } from "vitest";
import { detectionSettings, findingText, networkOf, ZDetectionSettings } from "./detection";

describe("detection settings", () => {
  it("keeps what was tuned over the defaults, and falls back to them when the stored value is unreadable", () => {
    expect(detectionSettings({ bruteForce: { failures: 5, withinSeconds: 30 } })).toMatchObject({ bruteForce: { failures: 5, withinSeconds: 30 }, credentialStuffing: { clientIds: 10, withinSeconds: 600 } });
    expect(detectionSettings({ bruteForce: { failures: -1 } })).toEqual(ZDetectionSettings.parse({}));
    expect(detectionSettings(null).bruteForce).toEqual({ failures: 20, withinSeconds: 60 });
  });
  it("names the field and the reason of a bad threshold", () => {
    const r = ZDetectionSettings.safeParse({ bruteForce: { failures: 0, withinSeconds: 60 }, newNetwork: { enabled: "yes", prefixBits: 24 } });
    expect(r.success).toBe(false);
    const issues = Object.fromEntries(r.error!.issues.map((i) => [i.path.join("."), i.message]));
    expect(issues).toEqual({ "bruteForce.failures": "must be at least 1", "newNetwork.enabled": "must be true or false" });
  });
});

describe("networks", () => {
  it("masks IPv4 by the prefix and IPv6 to /64", () => {
    expect(networkOf("10.1.2.3", 24)).toBe("10.1.2.0/24");
    expect(networkOf("10.1.2.3", 16)).toBe("10.1.0.0/16");
    expect(networkOf("192.168.255.7", 8)).toBe("192.0.0.0/8");
    expect(networkOf("2001:db8:1:2:3::9", 24)).toBe("2001:db8:1:2::/64");
    expect(networkOf("unknown", 24)).toBeNull();
  });
  it("writes findings that say what happened and what to do", () => {
    const s = detectionSettings({});
    expect(findingText("brute-force", "10.0.0.9", 30, s)).toBe("30 failed logins from 10.0.0.9 within 1 min (threshold 20). Someone is guessing passwords: block the address at the firewall and check which client ids it tried.");
  });
});
