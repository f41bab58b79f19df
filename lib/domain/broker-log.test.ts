import { describe, expect, it } from "vitest";
import { applyLogEvent, parseLogLine, type TConnectedClient } from "./broker-log";

describe("parseLogLine", () => {
  it("reads a connection with its IP, protocol, keepalive and username", () => {
    expect(parseLogLine("2026-01-01T00:00:00: New client connected from 127.0.0.1:45664 as dev-1 (p5, c1, k60, u'dev-1').")).toEqual({
      kind: "connect", ip: "127.0.0.1", port: 45664, clientId: "dev-1", protocol: "MQTT 5", cleanStart: true, keepalive: 60, username: "dev-1",
    });
    expect(parseLogLine("New client connected from ::ffff:10.0.0.2:1883 as x (p4, c0, k30).")).toMatchObject({ ip: "10.0.0.2", username: null, protocol: "MQTT 3.1.1", cleanStart: false });
  });
  it("reads disconnections with their reasons", () => {
    expect(parseLogLine("Client dev-1 disconnected.")).toEqual({ kind: "disconnect", clientId: "dev-1", reason: "disconnected" });
    expect(parseLogLine("Client dev-1 closed its connection.")).toMatchObject({ reason: "closed its connection" });
    expect(parseLogLine("Client dev-1 has exceeded timeout, disconnecting.")).toMatchObject({ reason: "keepalive timeout" });
    expect(parseLogLine("Client dev-1 already connected, closing old connection.")).toMatchObject({ clientId: "dev-1", reason: expect.stringContaining("taken over") });
    expect(parseLogLine("Client <unknown> disconnected, not authorised.")).toEqual({ kind: "refused", clientId: null, ip: null, reason: "not authorised" });
  });
  it("ignores other lines", () => {
    expect(parseLogLine("Opening ipv4 listen socket on port 8883.")).toBeNull();
  });
});

describe("applyLogEvent", () => {
  it("tracks who is connected", () => {
    const clients = new Map<string, TConnectedClient>();
    applyLogEvent(clients, parseLogLine("New client connected from 127.0.0.1:1 as a (p5, c1, k60, u'a').")!, 1);
    applyLogEvent(clients, parseLogLine("New client connected from 127.0.0.1:2 as b (p5, c1, k60, u'b').")!, 2);
    expect(applyLogEvent(clients, parseLogLine("Client a disconnected.")!, 3)).toBe(true);
    expect([...clients.keys()]).toEqual(["b"]);
    expect(clients.get("b")?.since).toBe(2);
  });
});
