import tls from "node:tls";
import { X509Certificate } from "node:crypto";

// What a TLS listener accepts, seen from a client: one handshake per protocol version, then the details of
// the default handshake (cipher, key exchange) and the server's certificate chain.

export const TLS_VERSIONS = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;
export type TTlsVersion = (typeof TLS_VERSIONS)[number];

export type TCertInfo = { subject: string; issuer: string; sans: string[]; notAfter: string; keyType: string; keyBits: number | null; serial: string };

export type TTlsPosture = {
  accepted: Record<TTlsVersion, "accepted" | "refused" | "untestable">;
  negotiated: { protocol: string | null; cipher: string | null; keyExchange: string | null } | null;
  chain: TCertInfo[];
  error: string | null;
};

export type TTlsTarget = { host: string; port: number; caPem: string; clientCertPem?: string; clientKeyPem?: string; servername?: string };

function handshake(t: TTlsTarget, extra: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: t.host,
      port: t.port,
      ca: t.caPem,
      cert: t.clientCertPem,
      key: t.clientKeyPem,
      servername: t.servername ?? (/^[\d.]+$|:/.test(t.host) ? undefined : t.host),
      timeout: 5_000,
      ...extra,
    });
    socket.once("secureConnect", () => resolve(socket));
    socket.once("error", reject);
    socket.once("timeout", () => (socket.destroy(), reject(new Error("timeout"))));
  });
}

function certInfo(c: tls.DetailedPeerCertificate): TCertInfo {
  const x = new X509Certificate(c.raw);
  const key = x.publicKey;
  const details = key.asymmetricKeyDetails;
  return {
    subject: x.subject.replace(/\n/g, ", "),
    issuer: x.issuer.replace(/\n/g, ", "),
    sans: (x.subjectAltName ?? "").split(", ").filter(Boolean),
    notAfter: new Date(x.validTo).toISOString(),
    keyType: key.asymmetricKeyType === "ec" ? `EC ${details?.namedCurve ?? ""}`.trim() : (key.asymmetricKeyType ?? "unknown").toUpperCase(),
    keyBits: details?.modulusLength ?? (details?.namedCurve === "prime256v1" ? 256 : details?.namedCurve === "secp384r1" ? 384 : null),
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

export async function probeTls(t: TTlsTarget): Promise<TTlsPosture> {
  const accepted = {} as TTlsPosture["accepted"];
  for (const v of TLS_VERSIONS) {
    // SECLEVEL=0 lets this client offer old protocols, so a refusal is the broker's, not ours.
    const old = v === "TLSv1" || v === "TLSv1.1";
    try {
      const s = await handshake(t, { minVersion: v, maxVersion: v, ciphers: old ? "DEFAULT@SECLEVEL=0" : undefined, rejectUnauthorized: false });
      s.destroy();
      accepted[v] = "accepted";
    } catch (e) {
      accepted[v] = /no protocols available|unsupported protocol|wrong version number|protocol version|alert/i.test((e as Error).message) ? "refused" : "untestable";
    }
  }
  try {
    const s = await handshake(t, { minVersion: "TLSv1.2" });
    const cipher = s.getCipher();
    const eph = s.getEphemeralKeyInfo() as { type?: string; name?: string; size?: number } | null;
    const posture: TTlsPosture = {
      accepted,
      negotiated: { protocol: s.getProtocol(), cipher: cipher?.standardName ?? cipher?.name ?? null, keyExchange: eph?.type ? `${eph.type}${eph.name ? ` ${eph.name}` : ""}` : null },
      chain: chainOf(s),
      error: null,
    };
    s.destroy();
    return posture;
  } catch (e) {
    return { accepted, negotiated: null, chain: [], error: (e as Error).message };
  }
}
