// Mosquitto has no client list; with `log_dest topic` it reports connections on $SYS/broker/log/N.
// These parse those lines (timestamp prefix optional) into events; a broker with Fleetward's plugin reports the same
// events itself, exactly (pluginEvent).

export type TLogEvent =
  /** `port`: null when the broker plugin reported it (Mosquitto gives a plugin the address without its port). */
  | { kind: "connect"; clientId: string; ip: string; port: number | null; protocol: string; cleanStart: boolean; keepalive: number; username: string | null; listener?: string; certSerial?: string }
  | { kind: "disconnect"; clientId: string; reason: string }
  /** A refused login, or (`tls`) a TLS handshake that failed: a revoked or unknown certificate, none at all. */
  | { kind: "refused"; clientId: string | null; ip: string | null; reason: string; tls?: true; username?: string | null; listener?: string }
  /** A socket accepted, not yet a client: what a refusal's address is learnt from. */
  | { kind: "socket"; ip: string; port: number };

const SOCKET = /New connection from (\S+?):(\d+) on port \d+\.?$/;
const CONNECT = /New client connected from (\S+?):(\d+) as (\S+) \(p(\d+), c(\d), k(\d+)(?:, u'(.*)')?\)\.?$/;
const NOT_AUTHORISED = /Client (\S+) disconnected, not authori[sz]ed\.?$/;
const DISCONNECTED = /Client (\S+) (disconnected|closed its connection|has exceeded timeout, disconnecting)(.*?)\.?$/;
const TAKEN_OVER_LINE = /Client (\S+) already connected, closing old connection\.?$/;
/** The reason of a disconnect because another connection took the same client id. */
export const TAKEN_OVER = "taken over by a new connection with the same client id";
const SOCKET_ERROR = /Socket error on client (\S+), disconnecting\.?$/;
// A refused TLS handshake, in either of Mosquitto 2.0.11's words: with the address, or as the first line of OpenSSL's
// error queue after "New connection from" ("Client <unknown> disconnected: Protocol error." follows that one).
const TLS_FAILED = /Client connection from (\S+) failed: (?:error:[0-9A-Fa-f]+:)?(?:[^:]*:)*([^:]+?)\.?$/;
const TLS_ERROR = /OpenSSL Error\[0\]: (?:error:[0-9A-Fa-f]+:)?(?:[^:]*:)*([^:]+)$/;
// What a refused handshake says (a connection that just ends, "unexpected eof", is no refusal).
const HANDSHAKE_REFUSAL = /certificate|handshake|alert|cipher|protocol version|unsupported protocol|wrong version/i;
const PROTOCOLS: Record<string, string> = { "3": "MQTT 3.1", "4": "MQTT 3.1.1", "5": "MQTT 5", "131": "MQTT 3.1 (bridge)", "132": "MQTT 3.1.1 (bridge)" };

export function parseLogLine(line: string): TLogEvent | null {
  const text = line.trim();
  let m = CONNECT.exec(text);
  if (m) {
    return {
      kind: "connect",
      ip: m[1]!.replace(/^::ffff:/, ""),
      port: Number(m[2]),
      clientId: m[3]!,
      protocol: PROTOCOLS[m[4]!] ?? `p${m[4]}`,
      cleanStart: m[5] === "1",
      keepalive: Number(m[6]),
      username: m[7] ?? null,
    };
  }
  if ((m = SOCKET.exec(text))) return { kind: "socket", ip: m[1]!.replace(/^::ffff:/, ""), port: Number(m[2]) };
  if ((m = NOT_AUTHORISED.exec(text))) return { kind: "refused", clientId: m[1] === "<unknown>" ? null : m[1]!, ip: null, reason: "not authorised" };
  if ((m = TLS_FAILED.exec(text)) && HANDSHAKE_REFUSAL.test(m[2]!)) return { kind: "refused", clientId: null, ip: m[1]!.replace(/^::ffff:/, ""), reason: `TLS handshake failed: ${m[2]!.trim()}`, tls: true };
  if ((m = TLS_ERROR.exec(text)) && HANDSHAKE_REFUSAL.test(m[1]!)) return { kind: "refused", clientId: null, ip: null, reason: `TLS handshake failed: ${m[1]!.trim()}`, tls: true };
  if ((m = TAKEN_OVER_LINE.exec(text))) return { kind: "disconnect", clientId: m[1]!, reason: TAKEN_OVER };
  if ((m = SOCKET_ERROR.exec(text))) return { kind: "disconnect", clientId: m[1]!, reason: "socket error" };
  if ((m = DISCONNECTED.exec(text))) {
    const reason = m[2] === "has exceeded timeout, disconnecting" ? "keepalive timeout" : m[2] === "closed its connection" ? "closed its connection" : (m[3] ?? "").replace(/^,\s*/, "") || "disconnected";
    return { kind: "disconnect", clientId: m[1]!, reason };
  }
  return null;
}

export type TConnectedClient = Omit<Extract<TLogEvent, { kind: "connect" }>, "kind"> & { since: number };

/** Applies one event to the connected-clients map (keyed by client id); returns whether it changed. */
export function applyLogEvent(clients: Map<string, TConnectedClient>, e: TLogEvent, at: number): boolean {
  if (e.kind === "connect") {
    const { kind: _kind, ...rest } = e;
    clients.set(e.clientId, { ...rest, since: at });
    return true;
  }
  if (e.kind === "disconnect") return clients.delete(e.clientId);
  return false;
}

/** Sockets accepted and not yet a client, oldest first. */
export type TPendingSocket = { ip: string; port: number; at: number };

const PENDING_MS = 30_000;
/** The port of a socket a failed handshake already accounted for. */
const TAKEN = -1;

/**
 * Mosquitto names no address when it refuses a client ("Client <unknown> disconnected, not authorised."), only on
 * the earlier "New connection from <ip>:<port>" line. A broker handles CONNECTs in the order their sockets came, so
 * a refusal is given the oldest socket still waiting (best effort when many connect at once). Returns the event to
 * act on (the refusal with its address), or null for a socket line.
 */
export function trackSockets(pending: TPendingSocket[], e: TLogEvent, at: number): TLogEvent | null {
  while (pending.length && at - pending[0]!.at > PENDING_MS) pending.shift();
  if (e.kind === "socket") {
    if (pending[0]?.port === TAKEN) pending.shift(); // its disconnect line never came

    pending.push({ ip: e.ip, port: e.port, at });
    return null;
  }
  if (e.kind === "connect") {
    const i = pending.findIndex((p) => p.ip === e.ip && p.port === e.port);
    if (i >= 0) pending.splice(i, 1);
    return e;
  }
  if (e.kind === "refused") {
    // A refusal that names its address had no "New connection from" line: no socket of it is waiting.
    const socket = e.ip ? undefined : pending.shift();
    // The "Client <unknown> disconnected" line that follows a failed handshake is this socket's, already taken.
    if (e.tls && socket) pending.unshift({ ...socket, port: TAKEN });
    return { ...e, ip: e.ip ?? socket?.ip ?? null };
  }
  if (e.clientId === "<unknown>") pending.shift(); // a socket that never became a client went away
  return e;
}

const text = (v: unknown, max = 65_535): v is string => typeof v === "string" && v.length <= max;
const textOrNull = (v: unknown) => (text(v) ? v : null);

/** An event of the broker plugin (broker-plugin/src/events.c) as one of these; null for anything else. */
export function pluginEvent(o: Record<string, unknown>): TLogEvent | null {
  const listener = text(o.listener, 16) ? { listener: o.listener } : {};
  if (o.kind === "connect" && text(o.clientId) && text(o.protocol, 32) && typeof o.cleanStart === "boolean" && typeof o.keepalive === "number") {
    return { kind: "connect", clientId: o.clientId, ip: textOrNull(o.ip) ?? "", port: null, protocol: o.protocol, cleanStart: o.cleanStart, keepalive: o.keepalive, username: textOrNull(o.username), ...listener, ...(text(o.certSerial, 64) ? { certSerial: o.certSerial } : {}) };
  }
  if (o.kind === "disconnect" && text(o.clientId) && text(o.reason, 200)) return { kind: "disconnect", clientId: o.clientId, reason: o.reason };
  if (o.kind === "refused" && text(o.reason, 200)) {
    return { kind: "refused", clientId: textOrNull(o.clientId), ip: textOrNull(o.ip), reason: o.reason, username: textOrNull(o.username), ...listener, ...(o.tls === true ? { tls: true as const } : {}) };
  }
  return null;
}
