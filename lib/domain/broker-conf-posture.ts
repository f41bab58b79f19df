// What a broker's mosquitto.conf says about its security posture, as Mosquitto 2.0 reads it: each listener's port,
// whether it speaks TLS (a certificate or a PSK hint) and its minimum TLS version, and whether connections are
// logged. The agent reads the file beside the broker and reports this; the posture checks judge it. Pure.

export type TConfListener = { port: number; bind: string | null; protocol: "mqtt" | "websockets"; tls: boolean; tlsVersion: string | null };
export type TConfPosture = {
  listeners: TConfListener[];
  /** connection_messages (default true): a log line per connect and disconnect. */
  connectionMessages: boolean;
  /** The log_type set; Mosquitto's default when none is given is error, warning, notice, information. */
  logTypes: string[];
  /** log_dest values (default stderr), "none" means nothing is logged anywhere. */
  logDest: string[];
};

const DEFAULT_LOG_TYPES = ["error", "warning", "notice", "information"];

/** Reads the directives of one or more conf texts (the main file, then its include_dir files in order). */
export function confPosture(texts: readonly string[]): TConfPosture {
  const listeners: TConfListener[] = [];
  let current: TConfListener | null = null;
  let connectionMessages = true;
  const logTypes: string[] = [];
  const logDest: string[] = [];
  let legacyPort: number | null = null;
  for (const text of texts) {
    for (const raw of text.split("\n")) {
      const line = raw.trim();
      if (!line || line.startsWith("#")) continue;
      const [key, ...rest] = line.split(/\s+/);
      const value = rest.join(" ");
      switch (key) {
        case "listener": {
          current = { port: Number(rest[0]), bind: rest[1] ?? null, protocol: "mqtt", tls: false, tlsVersion: null };
          listeners.push(current);
          break;
        }
        case "port":
          legacyPort = Number(rest[0]);
          break;
        case "protocol":
          if (current) current.protocol = value === "websockets" ? "websockets" : "mqtt";
          break;
        case "certfile":
        case "psk_hint":
          if (current) current.tls = true;
          break;
        case "tls_version":
          if (current) current.tlsVersion = value;
          break;
        case "connection_messages":
          connectionMessages = value === "true";
          break;
        case "log_type":
          logTypes.push(value);
          break;
        case "log_dest":
          logDest.push(rest[0]!);
          break;
      }
    }
  }
  // The old `port` directive (or nothing at all) makes a default listener; with no listener Mosquitto 2.0 listens
  // on loopback only, plain.
  if (legacyPort !== null || listeners.length === 0) {
    listeners.unshift({ port: legacyPort ?? 1883, bind: legacyPort === null ? "127.0.0.1" : null, protocol: "mqtt", tls: false, tlsVersion: null });
  }
  return { listeners, connectionMessages, logTypes: logTypes.length ? logTypes : DEFAULT_LOG_TYPES, logDest: logDest.length ? logDest : ["stderr"] };
}

/** Why connections are not logged, or null when they are: connect lines are notices. */
export function connectionLoggingGap(p: TConfPosture): string | null {
  if (!p.connectionMessages) return "connection_messages is false";
  if (p.logDest.every((d) => d === "none")) return "log_dest is none";
  if (!p.logTypes.some((t) => t === "notice" || t === "all")) return `log_type (${p.logTypes.join(", ")}) leaves out notice, where connections are logged`;
  return null;
}

const OLD_TLS = new Set(["tlsv1", "tlsv1.1"]);

/** Why a listener is weak, or null: plaintext (off loopback), or a minimum TLS version under 1.2. */
export function listenerWeakness(l: TConfListener): string | null {
  if (!l.tls) return l.bind === "127.0.0.1" || l.bind === "::1" || l.bind === "localhost" ? null : "accepts plaintext connections (no certfile or psk_hint)";
  if (l.tlsVersion && OLD_TLS.has(l.tlsVersion.toLowerCase())) return `accepts ${l.tlsVersion} (tls_version is a minimum; use tlsv1.2)`;
  return null;
}
