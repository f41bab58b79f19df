import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { probeTls } from "./tls-probe";

const key = randomBytes(32);
let server: tls.Server | null = null;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A loopback TLS-PSK server with the given suites and versions. */
async function pskServer(o: tls.TlsOptions): Promise<number> {
  server = tls.createServer({ pskCallback: (_s, identity) => (identity === "probe" ? key : null), ...o }, (s) => s.end());
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

describe("the TLS probe's key exchange on a PSK listener", () => {
  it("says a plain-PSK handshake has no forward secrecy", async () => {
    const port = await pskServer({ ciphers: "PSK-AES128-GCM-SHA256", maxVersion: "TLSv1.2" });
    const p = await probeTls({ host: "127.0.0.1", port, psk: { identity: "probe", key } });
    expect(p.negotiated).toEqual({ protocol: "TLSv1.2", cipher: "TLS_PSK_WITH_AES_128_GCM_SHA256", keyExchange: "PSK only", forwardSecret: false });
  });

  it("names the ephemeral group of an ECDHE-PSK handshake, and of a TLS 1.3 one", async () => {
    const port = await pskServer({ ciphers: "ECDHE-PSK-CHACHA20-POLY1305:TLS_AES_128_GCM_SHA256", minVersion: "TLSv1.2" });
    const p = await probeTls({ host: "127.0.0.1", port, psk: { identity: "probe", key } });
    expect(p.detail["TLSv1.2"]).toBe("TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256");
    expect(p.negotiated).toEqual({ protocol: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256", keyExchange: "ECDH X25519 + PSK", forwardSecret: true });
  });
});
