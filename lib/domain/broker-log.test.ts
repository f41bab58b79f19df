import { describe, expect, it } from "vitest";
import { applyLogEvent, parseLogLine, trackSockets, type TConnectedClient, type TPendingSocket } from "./broker-log";

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
  it("gives a refusal the address of the oldest socket not yet a client", () => {
    const pending: TPendingSocket[] = [];
    const feed = (line: string, at = 1) => trackSockets(pending, parseLogLine(line)!, at);
    expect(feed("New connection from 10.0.0.1:1000 on port 8883.")).toBeNull();
    expect(feed("New connection from 10.0.0.2:2000 on port 8883.")).toBeNull();
    expect(feed("New connection from 10.0.0.3:3000 on port 8883.")).toBeNull();
    // 10.0.0.2 became a client; 10.0.0.1's socket is the oldest left when the refusal comes.
    expect(feed("New client connected from 10.0.0.2:2000 as ok (p5, c1, k60, u'ok').")).toMatchObject({ kind: "connect" });
    expect(feed("Client <unknown> disconnected, not authorised.")).toEqual({ kind: "refused", clientId: null, ip: "10.0.0.1", reason: "not authorised" });
    expect(feed("Client bad disconnected, not authorised.")).toMatchObject({ clientId: "bad", ip: "10.0.0.3" });
    expect(feed("Client x disconnected, not authorised.")).toMatchObject({ ip: null });
    // Sockets waiting longer than 30 s are forgotten.
    feed("New connection from 10.0.0.4:4000 on port 8883.", 0);
    expect(feed("Client <unknown> disconnected, not authorised.", 40_000)).toMatchObject({ ip: null });
  });
  it("reads a failed TLS handshake as a refusal from the socket's address, and its disconnect as that socket's", () => {
    const pending: TPendingSocket[] = [];
    const feed = (line: string, at = 1) => trackSockets(pending, parseLogLine(line)!, at);
    feed("New connection from 10.0.0.7:1000 on port 8884.");
    feed("New connection from 10.0.0.8:2000 on port 8884.");
    expect(feed("OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed")).toEqual({ kind: "refused", clientId: null, ip: "10.0.0.7", reason: "TLS handshake failed: certificate verify failed", tls: true });
    expect(feed("Client <unknown> disconnected: Protocol error.")).toMatchObject({ kind: "disconnect" });
    // 10.0.0.8 is still the oldest socket waiting.
    expect(feed("OpenSSL Error[0]: error:0A0000C7:SSL routines::peer did not return a certificate")).toMatchObject({ ip: "10.0.0.8", reason: "TLS handshake failed: peer did not return a certificate" });
    expect(parseLogLine("OpenSSL Error[1]: error:10080002:BIO routines::system lib")).toBeNull();
    feed("Client <unknown> disconnected: Protocol error.");
    // A connection that just ends is no refusal.
    expect(parseLogLine("OpenSSL Error[0]: error:0A000126:SSL routines::unexpected eof while reading")).toBeNull();
    // The other wording names the address itself; no socket line came before it.
    expect(feed("2026-11-22T08:43:20: Client connection from 10.0.0.9 failed: error:0A000086:SSL routines::certificate verify failed.")).toEqual({ kind: "refused", clientId: null, ip: "10.0.0.9", reason: "TLS handshake failed: certificate verify failed", tls: true });
    expect(pending).toEqual([]);
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
