import { describe, expect, it } from "vitest";
import { mosquittoPubExample, mqttJsExample } from "./connection-examples";

describe("connection examples", () => {
  it("use the endpoint and the device's own topic, and keep secrets out", () => {
    const pub = mosquittoPubExample({ authType: "PASSWORD", clientId: "dev-1", url: "mqtts://127.0.0.1:8884" });
    expect(pub).toContain("-h 127.0.0.1 -p 8884");
    expect(pub).toContain("-t devices/dev-1/hello");
    expect(pub).toContain('-P "$DEVICE_PASSWORD"');
    expect(mosquittoPubExample({ authType: "PSK", clientId: "p", url: "mqtts://h:1" })).toContain('--psk "$DEVICE_PSK_HEX"');
    expect(mosquittoPubExample({ authType: "X509", clientId: "c", url: "mqtts://h:1" })).toContain("--cert c.crt --key c.key");
  });
  it("give mqtt.js code that names the credential files", () => {
    const js = mqttJsExample({ authType: "X509", clientId: "c", url: "mqtts://h:2" });
    expect(js).toContain('mqtt.connect("mqtts://h:2"');
    expect(js).toContain('cert: readFileSync("c.crt")');
  });
  it("give mqtt.js PSK code that reads the key from the environment and lets TLS 1.3 be negotiated", () => {
    const js = mqttJsExample({ authType: "PSK", clientId: "p", url: "mqtts://h:3" });
    expect(js).toContain('pskCallback: () => ({ identity: "p", psk: Buffer.from(process.env.DEVICE_PSK_HEX, "hex") })');
    // The ECDHE-PSK suite serves a broker that speaks only TLS 1.2; TLS 1.3 suites stay Node's defaults.
    expect(js).toContain('ciphers: "ECDHE-PSK-CHACHA20-POLY1305"');
    expect(js).not.toContain("maxVersion");
  });
});
