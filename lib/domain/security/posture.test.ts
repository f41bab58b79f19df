import { describe, expect, it } from "vitest";
import { confPosture } from "../broker-conf-posture";
import { postureFindings, weakKey, type TPostureFacts } from "./posture";
import { ZSecurityPolicy } from "./policy";

const now = new Date("2026-11-22T00:00:00Z");
const day = 86_400_000;
const cert = (o: Partial<TPostureFacts["certificates"][number]>) => ({
  serial: "01", kind: "DEVICE", subject: "CN=d1", fingerprint256: "AA", keyType: "EC P-256", keyBits: 256,
  notBefore: new Date(now.getTime() - 10 * day), notAfter: new Date(now.getTime() + 300 * day), revokedAt: null, clientId: "d1", ...o,
});
const POLICY = ZSecurityPolicy.parse({});
const facts = (o: Partial<TPostureFacts>): TPostureFacts => ({ now, certificates: [], devices: [], tokens: [], users: [], brokers: [], aclFindings: [], connected: new Set(), ...o });
const rules = (f: TPostureFacts, policy = POLICY) => postureFindings(f, policy).map((x) => `${x.rule}:${x.subject}:${x.severity}`);

describe("posture checks", () => {
  it("name certificates expiring (CA always high), expired, weak or old, and one held by several devices", () => {
    expect(rules(facts({ certificates: [cert({})] }))).toEqual([]);
    expect(rules(facts({ certificates: [cert({ notAfter: new Date(now.getTime() + 20 * day) })] }))).toEqual(["certificate-expiring:01:medium"]);
    expect(rules(facts({ certificates: [cert({ notAfter: new Date(now.getTime() + 20 * day), kind: "CA", clientId: null })] }))).toEqual(["certificate-expiring:01:high"]);
    expect(rules(facts({ certificates: [cert({ notAfter: new Date(now.getTime() + 40 * day) })] }), { ...POLICY, expiringDays: 60 })).toEqual(["certificate-expiring:01:medium"]);
    expect(postureFindings(facts({ certificates: [cert({ notAfter: new Date(now.getTime() - 2 * day) })] }), POLICY)[0]).toMatchObject({ title: "Device certificate expired", severity: "high" });
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
    const device = (clientId: string, createdDaysAgo: number, lastSeenDaysAgo: number | null, disabled = false) => ({
      clientId, authType: "X509", disabled, createdAt: new Date(now.getTime() - createdDaysAgo * day), secretIssuedAt: new Date(now.getTime() - createdDaysAgo * day),
      lastSeenAt: lastSeenDaysAgo === null ? null : new Date(now.getTime() - lastSeenDaysAgo * day),
    });
    const devices = [device("old", 200, null), device("seen", 200, 5), device("new", 5, null), device("off", 200, null, true)];
    const tokens = [
      { name: "ci", createdAt: new Date(now.getTime() - 200 * day), lastUsedAt: new Date(now.getTime() - 100 * day), revokedAt: null },
      { name: "fresh", createdAt: new Date(now.getTime() - 200 * day), lastUsedAt: new Date(now.getTime() - 1 * day), revokedAt: null },
    ];
    const aclFindings = [{ severity: "high" as const, code: "wildcard-write", message: "m.", why: "w.", fix: "f.", role: "r", index: 2 }, { severity: "low" as const, code: "x", message: "", why: "", fix: "" }];
    expect(rules(facts({ devices, tokens, aclFindings }))).toEqual(["device-unseen:old:low", "token-unused:ci:low", "acl-permissive:wildcard-write:r:2:high"]);
  });
  it("name password and PSK credentials older than the rotation policy (certificates carry their own dates)", () => {
    const d = (clientId: string, authType: string, issuedDaysAgo: number) => ({ clientId, authType, disabled: false, createdAt: new Date(now.getTime() - 10 * day), secretIssuedAt: new Date(now.getTime() - issuedDaysAgo * day), lastSeenAt: now });
    const devices = [d("pw-old", "PASSWORD", 400), d("psk-old", "PSK", 366), d("pw-new", "PASSWORD", 10), d("cert", "X509", 900)];
    expect(rules(facts({ devices }))).toEqual(["credential-age:pw-old:low", "credential-age:psk-old:low"]);
    expect(rules(facts({ devices }), { ...POLICY, rotationDays: 390 })).toEqual(["credential-age:pw-old:low"]);
  });
  it("name dashboard users without two-factor authentication, admins high", () => {
    const users = [{ email: "a@x", role: "ADMIN", disabled: false, twoFactor: false }, { email: "o@x", role: "OPERATOR", disabled: false, twoFactor: false }, { email: "t@x", role: "ADMIN", disabled: false, twoFactor: true }, { email: "d@x", role: "AUDITOR", disabled: true, twoFactor: false }];
    expect(rules(facts({ users }))).toEqual(["two-factor-missing:a@x:high", "two-factor-missing:o@x:medium"]);
  });
  it("name plaintext and pre-1.2 listeners, from the conf and from handshakes, once per port, and brokers not logging connections", () => {
    const conf = confPosture(["listener 1883 0.0.0.0\nlistener 8883\ncertfile c\ntls_version tlsv1\nlistener 8884\ncertfile c\nconnection_messages false\n"]);
    const negotiated = { protocol: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", keyExchange: "ECDH X25519", forwardSecret: true };
    const probed = [{ listener: "mtls", port: 8883, accepted: { TLSv1: "accepted", "TLSv1.1": "accepted", "TLSv1.2": "accepted" }, negotiated }, { listener: "psk", port: 8884, accepted: { TLSv1: "refused", "TLSv1.1": "refused", "TLSv1.2": "accepted" }, negotiated }];
    expect(rules(facts({ brokers: [{ name: "b1", conf, probed }] }))).toEqual(["listener-weak-tls:b1:1883:high", "listener-weak-tls:b1:8883:medium", "connection-logging:b1:medium"]);
    const [, tls] = postureFindings(facts({ brokers: [{ name: "b1", conf, probed }] }), POLICY);
    expect(tls!.detail).toMatch(/listener mtls, port 8883: its conf accepts tlsv1 .*; a handshake with TLSv1 and TLSv1.1 was accepted/);
    expect(rules(facts({ brokers: [{ name: "b2", conf: null, probed: null }] }))).toEqual([]);
  });
  it("name a listener whose default handshake is not forward secret, not one that failed or was not probed", () => {
    const accepted = { TLSv1: "refused", "TLSv1.1": "refused", "TLSv1.2": "accepted", "TLSv1.3": "refused" };
    const pskOnly = { protocol: "TLSv1.2", cipher: "TLS_PSK_WITH_AES_128_GCM_SHA256", keyExchange: "PSK only", forwardSecret: false };
    const rsa = { protocol: "TLSv1.2", cipher: "TLS_RSA_WITH_AES_128_GCM_SHA256", keyExchange: null, forwardSecret: false };
    const probed = [
      { listener: "psk", port: 8884, accepted, negotiated: pskOnly },
      { listener: "mtls", port: 8883, accepted, negotiated: rsa },
      { listener: "live", port: 8885, accepted, negotiated: null },
      { listener: "password", port: 8886, accepted, negotiated: { protocol: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", keyExchange: "ECDH X25519 + PSK", forwardSecret: true } },
    ];
    const found = postureFindings(facts({ brokers: [{ name: "b1", conf: null, probed }] }), POLICY);
    expect(found.map((x) => `${x.rule}:${x.subject}:${x.severity}`)).toEqual(["listener-no-forward-secrecy:b1:8884:medium", "listener-no-forward-secrecy:b1:8883:medium"]);
    expect(found[0]!.detail).toMatch(/listener psk, port 8884: .*TLSv1\.2, TLS_PSK_WITH_AES_128_GCM_SHA256, key exchange PSK only.*once the device's PSK leaks.*ECDHE-PSK-/);
    expect(found[1]!.detail).toMatch(/key exchange without an ephemeral key.*the broker's private key leaks.*ECDHE-RSA-/);
    expect(found[0]!.evidence).toEqual({ broker: "b1", port: 8884, listener: "psk", protocol: "TLSv1.2", cipher: "TLS_PSK_WITH_AES_128_GCM_SHA256", keyExchange: "PSK only" });
  });
  it("call only RSA 2048+, P-256, P-384 and Ed25519 strong", () => {
    expect([weakKey("RSA", 2048), weakKey("EC P-384", 384), weakKey("ED25519", null)]).toEqual([null, null, null]);
    expect(weakKey("EC P-521", 521)).toMatch(/only RSA 2048\+/);
    expect(weakKey("RSA", null)).toMatch(/unknown bits/);
  });
});
