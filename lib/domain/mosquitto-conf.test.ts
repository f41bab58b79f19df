import { describe, expect, it } from "vitest";
import { LISTENERS, renderMosquittoConf, type TBrokerPorts } from "./mosquitto-conf";

const ports = Object.fromEntries(LISTENERS.map((l, i) => [l, 9000 + i])) as TBrokerPorts;
const conf = renderMosquittoConf({ bind: "127.0.0.1", ports, caFile: "ca.crt", certFile: "s.crt", keyFile: "s.key", adminAclFile: "admin.acl", managedDir: "/m" });
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
