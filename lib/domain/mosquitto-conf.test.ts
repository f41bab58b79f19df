import { describe, expect, it } from "vitest";
import { LISTENERS, renderAdminAcl, renderMosquittoConf, type TBrokerPorts } from "./mosquitto-conf";

const ports = Object.fromEntries(LISTENERS.map((l, i) => [l, 9000 + i])) as TBrokerPorts;
const conf = renderMosquittoConf({ bind: "127.0.0.1", ports, caFile: "ca.crt", adminCaFile: "service-ca.crt", certFile: "s.crt", keyFile: "s.key", adminAclFile: "admin.acl", managedDir: "/m" });
const block = (name: string) => conf.split("\n\n").find((b) => b.startsWith(`# ${name}\n`))!.split("\n");
const value = (lines: string[], key: string) => lines.find((l) => l.startsWith(`${key} `))?.slice(key.length + 1);

describe("the PSK listener's TLS settings", () => {
  const psk = block("psk");

  it("accepts TLS 1.2 and up, with ECDHE-PSK suites only on TLS 1.2 (no plain-PSK key exchange)", () => {
    expect(value(psk, "tls_version")).toBe("tlsv1.2");
    const suites = value(psk, "ciphers")!.split(":");
    expect(suites.length).toBeGreaterThan(0);
    for (const s of suites) expect(s).toMatch(/^ECDHE-PSK-/);
  });

  it("offers TLS 1.3 with the SHA-256 suites a psk_file key can use", () => {
    expect(value(psk, "ciphers_tls1.3")).toBe("TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256");
  });

  it("has no certificate: the key authenticates both sides", () => {
    expect(psk).toContain(`listener ${ports.psk} 127.0.0.1`);
    expect(value(psk, "psk_file")).toBe("/m/psk");
    expect(value(psk, "certfile")).toBeUndefined();
  });

  it("leaves the certificate listeners' TLS 1.3 suites at Mosquitto's defaults", () => {
    for (const l of ["admin", "tlsPassword", "mtls", "wss", "live"]) expect(value(block(l), "ciphers_tls1.3"), l).toBeUndefined();
  });
});

describe("the admin listener", () => {
  const admin = block("admin");

  it("trusts only the service CA (never the fleet CA, which issues device certificates), and no device CRL", () => {
    expect(value(admin, "cafile")).toBe("service-ca.crt");
    expect(value(admin, "capath")).toBeUndefined();
    expect(value(admin, "crlfile")).toBeUndefined();
    for (const l of ["tlsPassword", "mtls", "wss", "live"]) expect(value(block(l), "cafile"), l).toBe("ca.crt");
  });
});

describe("a value that would break mosquitto.conf or the admin ACL is refused, naming it", () => {
  const base = { bind: "127.0.0.1", ports, caFile: "ca.crt", adminCaFile: "service-ca.crt", certFile: "s.crt", keyFile: "s.key", adminAclFile: "admin.acl", managedDir: "/m" };

  it("paths and addresses with a line break or a space, and ports that are no port", () => {
    expect(() => renderMosquittoConf({ ...base, managedDir: "/m\nallow_anonymous true" })).toThrow(/the managedDir of the broker's mosquitto.conf holds the control character U\+000A/);
    expect(() => renderMosquittoConf({ ...base, adminCaFile: "/pki/my ca.crt" })).toThrow(/adminCaFile .* holds whitespace/);
    expect(() => renderMosquittoConf({ ...base, ports: { ...ports, psk: 0 } })).toThrow(/psk port .* is not a port number/);
  });

  it("a broker name that would add lines or wildcards to the admin ACL", () => {
    expect(renderAdminAcl("demo-1")).toContain("topic read fleetward/agent/demo-1/cmd");
    expect(() => renderAdminAcl("demo-1\nuser x\ntopic readwrite #")).toThrow(/the name of broker .* holds the control character U\+000A/);
    expect(() => renderAdminAcl("+")).toThrow(/holds whitespace or one of : # \+ \//);
  });
});
