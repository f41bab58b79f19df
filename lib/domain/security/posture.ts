// Posture checks: what is weak in the fleet as it stands, each a finding with its severity, what it is about, why it
// matters and how to fix it. Run on a schedule and on demand; a finding whose condition is gone is resolved. Pure:
// the facts come in, findings go out.
import { connectionLoggingGap, listenerWeakness, type TConfPosture } from "../broker-conf-posture";
import { PSK_CIPHERS, TLS12_CIPHERS } from "../mosquitto-conf";
import type { TSeverity } from "./detection";
import type { TSecurityPolicy } from "./policy";

/** A listener's default handshake as the TLS probe saw it (lib/fleet/tls-probe.ts). */
export type TNegotiated = { protocol: string | null; cipher: string | null; keyExchange: string | null; forwardSecret: boolean };

export type TPostureFinding = { rule: string; subject: string; severity: TSeverity; title: string; detail: string; evidence: Record<string, unknown> };

export type TPostureFacts = {
  now: Date;
  certificates: readonly { serial: string; kind: string; subject: string; fingerprint256: string; keyType: string; keyBits: number | null; notBefore: Date; notAfter: Date; revokedAt: Date | null; clientId: string | null }[];
  devices: readonly { clientId: string; authType: string; disabled: boolean; createdAt: Date; secretIssuedAt: Date; lastSeenAt: Date | null }[];
  users: readonly { email: string; role: string; disabled: boolean; twoFactor: boolean }[];
  /**
   * Per broker: what its agent read in its conf (null: not reported), and per listener when probed (null: not probed)
   * which TLS versions it accepted and what its default handshake negotiated (null: it failed).
   */
  brokers: readonly { name: string; conf: TConfPosture | null; probed: readonly { listener: string; port: number; accepted: Record<string, string>; negotiated: TNegotiated | null }[] | null }[];
  tokens: readonly { name: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }[];
  /** Client ids whose last connection event on some broker is a connect: connected now, as far as the brokers said. */
  connected: ReadonlySet<string>;
  aclFindings: readonly { severity: "high" | "medium" | "low"; code: string; message: string; why: string; fix: string; role?: string; index?: number }[];
};

/** Every rule the posture checks raise; an open finding of one of them whose condition is gone is resolved by a run. */
export const POSTURE_RULES = ["certificate-expiring", "weak-key", "credential-age", "shared-certificate", "revoked-connected", "device-unseen", "token-unused", "acl-permissive", "two-factor-missing", "listener-weak-tls", "listener-no-forward-secrecy", "connection-logging"] as const;

type TPosturePolicy = Omit<TSecurityPolicy, "adminTwoFactor">;

/** Keys Fleetward calls strong: RSA of 2048 bits or more, EC P-256 or P-384, Ed25519. */
export function weakKey(keyType: string, keyBits: number | null): string | null {
  if (keyType === "RSA") return keyBits !== null && keyBits >= 2048 ? null : `RSA of ${keyBits ?? "unknown"} bits (under 2048)`;
  if (keyType === "EC P-256" || keyType === "EC P-384" || keyType === "ED25519") return null;
  return `${keyType} (only RSA 2048+, EC P-256, EC P-384 and Ed25519 are accepted)`;
}

const DAY = 86_400_000;
const days = (ms: number) => Math.floor(ms / DAY);
const KIND_WORDS: Record<string, string> = { DEVICE: "Device certificate", CA: "CA certificate", BROKER: "Broker server certificate", SERVICE: "Service certificate" };

export function postureFindings(f: TPostureFacts, policy: TPosturePolicy): TPostureFinding[] {
  const out: TPostureFinding[] = [];
  const now = f.now.getTime();
  const live = f.certificates.filter((c) => c.revokedAt === null);

  for (const c of live) {
    const left = c.notAfter.getTime() - now;
    const what = KIND_WORDS[c.kind] ?? "Certificate";
    const about = `${what} ${c.subject}${c.clientId ? ` (device ${c.clientId})` : ""}`;
    if (left <= policy.expiringDays * DAY) {
      const expired = left <= 0;
      out.push({
        rule: `certificate-expiring`,
        subject: c.serial,
        severity: expired || left <= 7 * DAY || c.kind === "CA" ? "high" : "medium",
        title: expired ? `${what} expired` : `${what} expiring`,
        detail: `${about} ${expired ? `expired ${days(-left)} day(s) ago` : `expires in ${days(left)} day(s)`} (${c.notAfter.toISOString().slice(0, 10)}). ${c.kind === "CA" ? "Every certificate it signed stops being trusted with it: issue a new CA and re-issue before then." : c.kind === "BROKER" ? "Clients will refuse the broker: renew its server certificate." : "The device will be refused: renew its certificate (Rotate credential)."}`,
        evidence: { kind: c.kind, notAfter: c.notAfter.toISOString(), clientId: c.clientId },
      });
    }
    const weak = weakKey(c.keyType, c.keyBits);
    if (weak) {
      out.push({ rule: "weak-key", subject: c.serial, severity: "high", title: "Weak certificate key", detail: `${about} uses ${weak}. Such keys can be broken or forged: re-issue it with an EC P-256 key.`, evidence: { keyType: c.keyType, keyBits: c.keyBits } });
    }
    if (c.kind === "DEVICE" && now - c.notBefore.getTime() > policy.rotationDays * DAY) {
      out.push({ rule: "credential-age", subject: c.serial, severity: "low", title: "Credential older than the rotation policy", detail: `${about} was issued ${days(now - c.notBefore.getTime())} days ago (policy: ${policy.rotationDays}). Old credentials have had longer to leak: rotate it.`, evidence: { notBefore: c.notBefore.toISOString(), clientId: c.clientId } });
    }
  }

  // One certificate (by fingerprint) held by several devices: any of them can be any other.
  const byPrint = new Map<string, Set<string>>();
  for (const c of live) if (c.kind === "DEVICE" && c.clientId) byPrint.set(c.fingerprint256, (byPrint.get(c.fingerprint256) ?? new Set()).add(c.clientId));
  for (const [print, ids] of byPrint) {
    if (ids.size < 2) continue;
    const list = [...ids].sort();
    out.push({ rule: "shared-certificate", subject: print, severity: "high", title: "One certificate held by several devices", detail: `Devices ${list.join(", ")} hold the same certificate: the broker cannot tell them apart. Issue each its own.`, evidence: { clientIds: list } });
  }

  // A device whose every certificate is revoked, still connected: the revocation did not cut it off.
  const valid = new Set(live.filter((c) => c.clientId).map((c) => c.clientId));
  for (const c of f.certificates) {
    if (c.kind !== "DEVICE" || !c.clientId || c.revokedAt === null || valid.has(c.clientId) || !f.connected.has(c.clientId)) continue;
    valid.add(c.clientId); // one finding per device
    out.push({ rule: "revoked-connected", subject: c.clientId, severity: "critical", title: "Revoked certificate still connected", detail: `${c.clientId} is connected though its certificate ${c.subject} was revoked on ${c.revokedAt.toISOString().slice(0, 10)}. A revocation must cut the device off: disconnect it (Live) and check that every broker holds the current CRL (Brokers).`, evidence: { serial: c.serial, revokedAt: c.revokedAt.toISOString() } });
  }

  for (const d of f.devices) {
    const age = now - d.secretIssuedAt.getTime();
    if (!d.disabled && d.authType !== "X509" && age > policy.rotationDays * DAY) {
      const what = d.authType === "PSK" ? "PSK key" : "password";
      out.push({ rule: "credential-age", subject: d.clientId, severity: "low", title: "Credential older than the rotation policy", detail: `The ${what} of device ${d.clientId} was issued ${days(age)} days ago (policy: ${policy.rotationDays}). Old credentials have had longer to leak: rotate it.`, evidence: { authType: d.authType, issuedAt: d.secretIssuedAt.toISOString() } });
    }
    if (d.disabled || now - d.createdAt.getTime() < policy.unseenDays * DAY) continue;
    if (d.lastSeenAt === null || now - d.lastSeenAt.getTime() > policy.unseenDays * DAY) {
      out.push({ rule: "device-unseen", subject: d.clientId, severity: "low", title: `Device not seen in ${policy.unseenDays} days`, detail: `${d.clientId} ${d.lastSeenAt ? `last connected ${days(now - d.lastSeenAt.getTime())} days ago` : "has never connected"}. A credential nobody uses is one nobody watches: disable the device if it is gone.`, evidence: { lastSeenAt: d.lastSeenAt?.toISOString() ?? null } });
    }
  }

  for (const t of f.tokens) {
    if (t.revokedAt !== null) continue;
    const last = t.lastUsedAt ?? t.createdAt;
    if (now - last.getTime() > policy.tokenUnusedDays * DAY) {
      out.push({ rule: "token-unused", subject: t.name, severity: "low", title: `API token unused for ${policy.tokenUnusedDays} days`, detail: `Token "${t.name}" was ${t.lastUsedAt ? `last used ${days(now - t.lastUsedAt.getTime())} days ago` : "never used"}. Revoke what nothing uses.`, evidence: { lastUsedAt: t.lastUsedAt?.toISOString() ?? null } });
    }
  }

  for (const u of f.users) {
    if (u.disabled || u.twoFactor) continue;
    const admin = u.role === "ADMIN";
    out.push({ rule: "two-factor-missing", subject: u.email, severity: admin ? "high" : "medium", title: "Dashboard user without two-factor authentication", detail: `${u.email} (${u.role.toLowerCase()}) signs in with a password alone: a leaked or guessed password is enough to act as them. They turn it on in Settings > Account${admin ? "; the security policy can require it of every admin" : ""}.`, evidence: { role: u.role } });
  }

  for (const b of f.brokers) {
    const weak = new Map<number, { listener: string | null; reasons: string[] }>();
    const note = (port: number, listener: string | null, reason: string) => {
      const w = weak.get(port) ?? { listener, reasons: [] };
      w.listener ??= listener;
      w.reasons.push(reason);
      weak.set(port, w);
    };
    for (const l of b.conf?.listeners ?? []) {
      const why = listenerWeakness(l);
      if (why) note(l.port, null, `its conf ${why}`);
    }
    for (const p of b.probed ?? []) {
      const old = ["TLSv1", "TLSv1.1"].filter((v) => p.accepted[v] === "accepted");
      if (old.length) note(p.port, p.listener, `a handshake with ${old.join(" and ")} was accepted`);
    }
    for (const [port, w] of weak) {
      const plain = w.reasons.some((r) => r.includes("plaintext"));
      out.push({ rule: "listener-weak-tls", subject: `${b.name}:${port}`, severity: plain ? "high" : "medium", title: plain ? "Listener accepts plaintext" : "Listener accepts TLS below 1.2", detail: `Broker ${b.name}, ${w.listener ? `listener ${w.listener}, ` : ""}port ${port}: ${w.reasons.join("; ")}. ${plain ? "Credentials and messages cross the network readable by anyone on the path: give it a certificate (certfile) or a PSK hint, or bind it to loopback." : "TLS 1.0 and 1.1 have known weaknesses: set tls_version tlsv1.2 on the listener."}`, evidence: { broker: b.name, port, listener: w.listener, reasons: w.reasons } });
    }
    for (const p of b.probed ?? []) {
      const n = p.negotiated;
      if (!n || n.forwardSecret) continue;
      const psk = /PSK/.test(n.keyExchange ?? "");
      out.push({ rule: "listener-no-forward-secrecy", subject: `${b.name}:${p.port}`, severity: "medium", title: "Listener handshake without forward secrecy", detail: `Broker ${b.name}, listener ${p.listener}, port ${p.port}: the handshake a client gets by default (${[n.protocol, n.cipher].filter(Boolean).join(", ")}, key exchange ${n.keyExchange ?? "without an ephemeral key"}) is not forward secret. Whoever records its traffic can read all of it once ${psk ? "the device's PSK" : "the broker's private key"} leaks: set ciphers on the listener to (EC)DHE suites only, as Fleetward renders them (${psk ? PSK_CIPHERS : TLS12_CIPHERS}).`, evidence: { broker: b.name, port: p.port, listener: p.listener, protocol: n.protocol, cipher: n.cipher, keyExchange: n.keyExchange } });
    }
    const gap = b.conf ? connectionLoggingGap(b.conf) : null;
    if (gap) {
      out.push({ rule: "connection-logging", subject: b.name, severity: "medium", title: "Broker does not log connections", detail: `Broker ${b.name}: ${gap}. Without connect lines there is no record of who connected from where, and the detection rules see nothing from it: set connection_messages true and log_type notice.`, evidence: { broker: b.name, connectionMessages: b.conf!.connectionMessages, logTypes: b.conf!.logTypes, logDest: b.conf!.logDest } });
    }
  }

  for (const a of f.aclFindings) {
    if (a.severity === "low") continue;
    out.push({ rule: "acl-permissive", subject: `${a.code}:${a.role ?? "fleet"}${a.index === undefined ? "" : `:${a.index}`}`, severity: a.severity, title: "Access control allows too much", detail: `${a.message} ${a.why} ${a.fix}`, evidence: { code: a.code, role: a.role ?? null, rule: a.index ?? null } });
  }
  return out;
}
