import { createHash } from "node:crypto";

// What a broker must know, rendered from Postgres as the four files Mosquitto reads and reloads on SIGHUP.
// Deterministic: the same desired state always renders byte-identical files, so digests show drift.

export const MANAGED_FILES = ["passwd", "acl", "psk", "crl.pem"] as const;
export type TManagedFile = (typeof MANAGED_FILES)[number];
export type TBrokerFiles = Record<TManagedFile, string>;
export type TFileDigests = Record<TManagedFile, string>;

export type TRenderDevice = {
  clientId: string;
  disabled: boolean;
  authType: "PASSWORD" | "PSK" | "X509";
  passwordHash: string | null;
  pskIdentity: string | null;
  /** hex, unsealed for rendering only */
  pskKeyHex: string | null;
};

export type TRenderInput = {
  devices: readonly TRenderDevice[];
  crlPem: string;
  /** hex key of PROBE_PSK_IDENTITY, unsealed for rendering only */
  probePskKeyHex: string;
};

// Fleetward's TLS probe of the PSK listener needs an identity the broker knows. A leading "_" is outside
// CLIENT_ID_PATTERN, so no device can ever hold this identity (or a client id, username or CN equal to it).
export const PROBE_PSK_IDENTITY = "_fleetward-probe";

const HEADER = "# Rendered by Fleetward from its desired state. Local edits are reverted.\n";

// A name Mosquitto can hold in its line-based files: no separator, no line break, no ACL wildcard.
const safeName = (s: string) => s.length > 0 && !/[:\s#+/\u0000]/.test(s);

export function renderBrokerFiles({ devices, crlPem, probePskKeyHex }: TRenderInput): TBrokerFiles {
  const sorted = [...devices].sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
  const enabled = sorted.filter((d) => !d.disabled);
  const passwd = enabled
    .filter((d) => d.authType === "PASSWORD" && d.passwordHash && safeName(d.clientId))
    .map((d) => `${d.clientId}:${d.passwordHash}\n`)
    .join("");
  const psk = `${PROBE_PSK_IDENTITY}:${probePskKeyHex}\n` + enabled
    .filter((d) => d.authType === "PSK" && d.pskIdentity && d.pskKeyHex && safeName(d.pskIdentity) && d.pskIdentity !== PROBE_PSK_IDENTITY)
    .map((d) => `${d.pskIdentity}:${d.pskKeyHex}\n`)
    .join("");
  // Every device listener sets use_username_as_clientid, so %u is the authenticated identity
  // (password user, certificate CN or PSK identity) and a device cannot borrow another's topics.
  // A disabled certificate device still completes its TLS handshake (only a CRL could refuse it): it may do nothing.
  const denied = sorted.filter((d) => d.disabled && d.authType === "X509" && safeName(d.clientId)).map((d) => `\nuser ${d.clientId}\ntopic deny #\n`);
  // The probe only handshakes: denied every topic before the pattern could give it devices/_fleetward-probe/#.
  const probe = `\nuser ${PROBE_PSK_IDENTITY}\ntopic deny #\n`;
  const acl = HEADER + "pattern readwrite devices/%u/#\n" + probe + denied.join("");
  return { passwd, acl, psk, "crl.pem": crlPem };
}

export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export function fileDigests(files: TBrokerFiles): TFileDigests {
  return Object.fromEntries(MANAGED_FILES.map((f) => [f, sha256(files[f])])) as TFileDigests;
}

/** Files whose digest differs between what was applied and what the broker has now. */
export function driftedFiles(expected: Partial<TFileDigests> | null, actual: Partial<TFileDigests> | null): TManagedFile[] {
  if (!expected || !actual) return [];
  return MANAGED_FILES.filter((f) => expected[f] !== actual[f]);
}
