import { describe, expect, it } from "vitest";
import { confPosture, connectionLoggingGap, listenerWeakness } from "./broker-conf-posture";
import { renderMosquittoConf } from "./mosquitto-conf";

const PORTS = { admin: 1, tlsPassword: 2, mtls: 3, psk: 4, wss: 5, live: 6 };

describe("broker conf posture", () => {
  it("finds the rendered fleet conf all TLS 1.2+ and logging connections", () => {
    const p = confPosture([renderMosquittoConf({ bind: "0.0.0.0", ports: PORTS, caFile: "ca", adminCaFile: "sca", certFile: "c", keyFile: "k", adminAclFile: "a", managedDir: "m" })]);
    expect(p.listeners.map((l) => [l.port, l.tls, l.protocol])).toEqual([[1, true, "mqtt"], [2, true, "mqtt"], [3, true, "mqtt"], [4, true, "mqtt"], [5, true, "websockets"], [6, true, "websockets"]]);
    expect(p.listeners.map(listenerWeakness)).toEqual([null, null, null, null, null, null]);
    expect(connectionLoggingGap(p)).toBeNull();
  });

  it("names a plaintext listener, an old TLS minimum and missing connection logs", () => {
    const p = confPosture(["listener 1883 0.0.0.0\nallow_anonymous false\n\nlistener 8883\ncertfile s.crt\ntls_version tlsv1.1\n", "connection_messages false\n"]);
    expect(listenerWeakness(p.listeners[0]!)).toMatch(/plaintext/);
    expect(listenerWeakness(p.listeners[1]!)).toMatch(/tlsv1.1/);
    expect(connectionLoggingGap(p)).toBe("connection_messages is false");
    expect(connectionLoggingGap(confPosture(["listener 8883\ncertfile a\nlog_type error\nlog_type warning\n"]))).toMatch(/leaves out notice/);
    expect(connectionLoggingGap(confPosture(["listener 8883\ncertfile a\nlog_dest none\n"]))).toBe("log_dest is none");
    expect(connectionLoggingGap(confPosture(["listener 8883\ncertfile a\nlog_type all\n"]))).toBeNull();
  });

  it("knows Mosquitto's defaults: no listener is plain loopback 1883; a bare port listens everywhere", () => {
    const none = confPosture([""]);
    expect(none.listeners).toEqual([{ port: 1883, bind: "127.0.0.1", protocol: "mqtt", tls: false, tlsVersion: null }]);
    expect(listenerWeakness(none.listeners[0]!)).toBeNull();
    expect(listenerWeakness(confPosture(["port 1883\n"]).listeners[0]!)).toMatch(/plaintext/);
    expect(connectionLoggingGap(none)).toBeNull();
  });
});
