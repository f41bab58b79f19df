import tls from "node:tls";
import { X509Certificate } from "node:crypto";
import { keyOf } from "@/lib/domain/key-names";

// What a TLS listener accepts, seen from a client: one handshake per protocol version, then the details of
// the default handshake (cipher, key exchange) and the server's certificate chain. A TLS-PSK listener has no
// certificate: it is probed with a PSK identity the broker knows. In TLS 1.3 OpenSSL clients (Node's too) offer
// a PSK in psk_dhe_ke mode only by default, so the broker's key share is the key exchange; without one, PSK alone.

export const TLS_VERSIONS = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;
export type TTlsVersion = (typeof TLS_VERSIONS)[number];

export type TCertInfo = { subject: string; issuer: string; sans: string[]; notAfter: string; keyType: string; keyBits: number | null; serial: string };

export type TTlsPosture = {
  authentication: "certificate" | "pre-shared key";
  accepted: Record<TTlsVersion, "accepted" | "refused" | "untestable">;
  /** Per version: the suite negotiated when accepted, otherwise the broker's or the network's answer. */
  detail: Partial<Record<TTlsVersion, string>>;
  /** keyExchange: the ephemeral group ("ECDH X25519"), "+ PSK" on a PSK listener; forwardSecret: it was ephemeral. */
  negotiated: { protocol: string | null; cipher: string | null; keyExchange: string | null; forwardSecret: boolean } | null;
  chain: TCertInfo[];
  error: string | null;
};

type TCertTarget = { host: string; port: number; caPem: string; clientCertPem?: string; clientKeyPem?: string; servername?: string };
type TPskTarget = { host: string; port: number; psk: { identity: string; key: Buffer } };
export type TTlsTarget = TCertTarget | TPskTarget;

// Node's default cipher list excludes PSK: every PSK key exchange is offered, forward-secret first, so what
// the broker picks or refuses is the broker's choice. TLS 1.3 suites stay node's defaults.
const PSK_CIPHERS = "kECDHEPSK:kDHEPSK:kPSK";

// A refusal of the protocol version itself is always "refused". A bare handshake failure (no suite in common
// with our broad offer) counts only once another version proved our credentials: a PSK broker also answers an
// unknown identity with one. Anything else (wrong key, timeout) says nothing about the version.
const VERSION_REFUSED = /no protocols available|unsupported protocol|wrong version number|protocol version/i;
const HANDSHAKE_REFUSED = /alert handshake failure|alert insufficient security|no shared cipher/i;

function targetOptions(t: TTlsTarget, old: boolean): tls.ConnectionOptions {
  // SECLEVEL=0 lets this client offer old protocols, so a refusal is the broker's, not ours.
  const low = old ? ":@SECLEVEL=0" : "";
  if ("psk" in t) {
    const { identity, key } = t.psk;
    // No certificate to check: the key itself authenticates the broker.
    return { ciphers: PSK_CIPHERS + low, pskCallback: () => ({ identity, psk: key }), checkServerIdentity: () => undefined };
  }
  return {
    ca: t.caPem,
    cert: t.clientCertPem,
    key: t.clientKeyPem,
    servername: t.servername ?? (/^[\d.]+$|:/.test(t.host) ? undefined : t.host),
    ciphers: old ? `DEFAULT${low}` : undefined,
  };
}

function handshake(t: TTlsTarget, extra: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: t.host, port: t.port, timeout: 5_000, ...extra });
    socket.once("secureConnect", () => resolve(socket));
    socket.once("error", reject);
    socket.once("timeout", () => (socket.destroy(), reject(new Error("timeout"))));
  });
}

function certInfo(c: tls.DetailedPeerCertificate): TCertInfo {
  const x = new X509Certificate(c.raw);
  return {
    subject: x.subject.replace(/\n/g, ", "),
    issuer: x.issuer.replace(/\n/g, ", "),
    sans: (x.subjectAltName ?? "").split(", ").filter(Boolean),
    notAfter: new Date(x.validTo).toISOString(),
    ...keyOf(x),
    serial: x.serialNumber,
  };
}

function chainOf(socket: tls.TLSSocket): TCertInfo[] {
  const out: TCertInfo[] = [];
  let c: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(certInfo(c));
    c = c.issuerCertificate;
  }
  return out;
}

// OpenSSL's reason ("tlsv1 alert unknown psk identity") reads better than its full error line.
const reasonOf = (e: unknown) => (e as { reason?: string }).reason ?? (e as Error).message.trim();

const suiteOf = (s: tls.TLSSocket) => {
  const c = s.getCipher();
  return c?.standardName ?? c?.name ?? null;
};

function keyExchangeOf(s: tls.TLSSocket, psk: boolean): { keyExchange: string | null; forwardSecret: boolean } {
  const eph = s.getEphemeralKeyInfo() as { type?: string; name?: string } | null;
  const dh = eph?.type ? `${eph.type}${eph.name ? ` ${eph.name}` : ""}` : null;
  const keyExchange = psk ? (dh ? `${dh} + PSK` : "PSK only") : dh;
  return { keyExchange, forwardSecret: dh !== null };
}

type TAttempt = { ok: true; suite: string | null } | { ok: false; reason: string; version: boolean; handshake: boolean };

async function tryVersion(t: TTlsTarget, v: TTlsVersion): Promise<TAttempt> {
  const old = v === "TLSv1" || v === "TLSv1.1";
  try {
    const s = await handshake(t, { ...targetOptions(t, old), minVersion: v, maxVersion: v, rejectUnauthorized: false });
    const suite = suiteOf(s);
    s.destroy();
    return { ok: true, suite };
  } catch (e) {
    const message = (e as Error).message;
    return { ok: false, reason: reasonOf(e), version: VERSION_REFUSED.test(message), handshake: HANDSHAKE_REFUSED.test(message) };
  }
}

export async function probeTls(t: TTlsTarget): Promise<TTlsPosture> {
  const psk = "psk" in t;
  const attempts = [] as [TTlsVersion, TAttempt][];
  for (const v of TLS_VERSIONS) attempts.push([v, await tryVersion(t, v)]);
  const proven = attempts.some(([, a]) => a.ok);
  const accepted = {} as TTlsPosture["accepted"];
  const detail: TTlsPosture["detail"] = {};
  for (const [v, a] of attempts) {
    accepted[v] = a.ok ? "accepted" : a.version || (a.handshake && proven) ? "refused" : "untestable";
    detail[v] = (a.ok ? a.suite : a.reason) ?? undefined;
  }
  const base = { authentication: psk ? "pre-shared key" : "certificate", accepted, detail } as const;
  try {
    const s = await handshake(t, { ...targetOptions(t, false), minVersion: "TLSv1.2" });
    const posture: TTlsPosture = {
      ...base,
      negotiated: { protocol: s.getProtocol(), cipher: suiteOf(s), ...keyExchangeOf(s, psk) },
      chain: chainOf(s),
      error: null,
    };
    s.destroy();
    return posture;
  } catch (e) {
    return { ...base, negotiated: null, chain: [], error: reasonOf(e) };
  }
}
