import { describe, expect, it } from "vitest";
import { postureFindings, weakKey, type TPostureFacts } from "./posture";

const now = new Date("2026-11-22T00:00:00Z");
const day = 86_400_000;
const cert = (o: Partial<TPostureFacts["certificates"][number]>) => ({
  serial: "01", kind: "DEVICE", subject: "CN=d1", fingerprint256: "AA", keyType: "EC P-256", keyBits: 256,
  notBefore: new Date(now.getTime() - 10 * day), notAfter: new Date(now.getTime() + 300 * day), revokedAt: null, clientId: "d1", ...o,
});
const facts = (o: Partial<TPostureFacts>): TPostureFacts => ({ now, certificates: [], devices: [], tokens: [], aclFindings: [], connected: new Set(), ...o });
const rules = (f: TPostureFacts) => postureFindings(f).map((x) => `${x.rule}:${x.subject}:${x.severity}`);

describe("posture checks", () => {
  it("name certificates expiring (CA always high), expired, weak or old, and one held by several devices", () => {
    expect(rules(facts({ certificates: [cert({})] }))).toEqual([]);
    expect(rules(facts({ certificates: [cert({ notAfter: new Date(now.getTime() + 20 * day) })] }))).toEqual(["certificate-expiring:01:medium"]);
    expect(rules(facts({ certificates: [cert({ notAfter: new Date(now.getTime() + 20 * day), kind: "CA", clientId: null })] }))).toEqual(["certificate-expiring:01:high"]);
    expect(postureFindings(facts({ certificates: [cert({ notAfter: new Date(now.getTime() - 2 * day) })] }))[0]).toMatchObject({ title: "Device certificate expired", severity: "high" });
    expect(rules(facts({ certificates: [cert({ notAfter: new Date(now.getTime() - 2 * day), revokedAt: now })] }))).toEqual([]);
    expect(rules(facts({ certificates: [cert({ keyType: "RSA", keyBits: 1024 })] }))).toEqual(["weak-key:01:high"]);
    expect(rules(facts({ certificates: [cert({ notBefore: new Date(now.getTime() - 400 * day) })] }))).toEqual(["credential-age:01:low"]);
    expect(rules(facts({ certificates: [cert({}), cert({ serial: "02", clientId: "d2" })] }))).toEqual(["shared-certificate:AA:high"]);
    // Revoked and still connected: critical; not when a newer certificate is valid, nor once disconnected.
    const revoked = cert({ revokedAt: new Date(now.getTime() - day) });
    expect(rules(facts({ certificates: [revoked], connected: new Set(["d1"]) }))).toEqual(["revoked-connected:d1:critical"]);
    expect(rules(facts({ certificates: [revoked, cert({ serial: "02", fingerprint256: "BB" })], connected: new Set(["d1"]) }))).toEqual([]);
    expect(rules(facts({ certificates: [revoked] }))).toEqual([]);
  });
  it("name devices unseen for 90 days (not new or disabled ones), tokens unused for 90 days, and what the ACL linter found", () => {
    const devices = [
      { clientId: "old", disabled: false, createdAt: new Date(now.getTime() - 200 * day), lastSeenAt: null },
      { clientId: "seen", disabled: false, createdAt: new Date(now.getTime() - 200 * day), lastSeenAt: new Date(now.getTime() - 5 * day) },
      { clientId: "new", disabled: false, createdAt: new Date(now.getTime() - 5 * day), lastSeenAt: null },
      { clientId: "off", disabled: true, createdAt: new Date(now.getTime() - 200 * day), lastSeenAt: null },
    ];
    const tokens = [
      { name: "ci", createdAt: new Date(now.getTime() - 200 * day), lastUsedAt: new Date(now.getTime() - 100 * day), revokedAt: null },
      { name: "fresh", createdAt: new Date(now.getTime() - 200 * day), lastUsedAt: new Date(now.getTime() - 1 * day), revokedAt: null },
    ];
    const aclFindings = [{ severity: "high" as const, code: "wildcard-write", message: "m.", why: "w.", fix: "f.", role: "r", index: 2 }, { severity: "low" as const, code: "x", message: "", why: "", fix: "" }];
    expect(rules(facts({ devices, tokens, aclFindings }))).toEqual(["device-unseen:old:low", "token-unused:ci:low", "acl-permissive:wildcard-write:r:2:high"]);
  });
  it("call only RSA 2048+, P-256, P-384 and Ed25519 strong", () => {
    expect([weakKey("RSA", 2048), weakKey("EC P-384", 384), weakKey("ED25519", null)]).toEqual([null, null, null]);
    expect(weakKey("EC P-521", 521)).toMatch(/only RSA 2048\+/);
    expect(weakKey("RSA", null)).toMatch(/unknown bits/);
  });
});
