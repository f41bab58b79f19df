import { createHash } from "node:crypto";
import { filtersOverlap } from "./acl/topics";
import { CONTROL_TOPICS } from "./agent-topics";
import { BrokerFileValueError, checkLine, checkName, checkPem, checkSecret, HEX_KEY, PASSWORD_HASH, shown } from "./broker-file-values";
import { LIVE_USERNAME_PREFIX, liveAclLines } from "./live-access";
import type { TRole } from "./permissions";

// What a broker must know, rendered from Postgres as the files Mosquitto reads and reloads on SIGHUP, plus the
// device CAs besides the fleet CA (cas.pem), which the agent lays out as the mtls listener's capath folder, and the
// live listener's own password and ACL files (live-passwd, live-acl) for browsers' live views.
// Deterministic: the same desired state always renders byte-identical files, so digests show drift.

export const MANAGED_FILES = ["passwd", "acl", "psk", "crl.pem", "cas.pem", "live-passwd", "live-acl"] as const;
/** The files that hold secrets (password hashes, PSK keys): they travel to an agent only encrypted to it. */
export const SECRET_FILES = ["passwd", "psk", "live-passwd"] as const;
/** The capath folder (inside the managed folder) the agent fills from cas.pem: `<subject hash>.<n>` files. */
export const CA_DIR = "cas.d";
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
  /** Its own acl_file lines (`topic read|write|readwrite|deny <filter>`) beside the shared patterns. */
  aclLines: readonly string[];
};

export type TRenderInput = {
  devices: readonly TRenderDevice[];
  crlPem: string;
  /** hex key of PROBE_PSK_IDENTITY, unsealed for rendering only */
  probePskKeyHex: string;
  /** Device CAs besides the fleet CA, oldest first. */
  deviceCas: readonly TBundledCa[];
  /** ACL `pattern` lines every device's block falls back to (the grants most devices share). */
  aclPatterns: readonly string[];
  /** Short-lived read-only credentials of browsers' live views, each scoped by its operator's role. */
  liveClients: readonly { username: string; passwordHash: string; role: TRole }[];
};

export type TBundledCa = { subjectHash: string; certPem: string };

// Fleetward's TLS probe of the PSK listener needs an identity the broker knows. A leading "_" is outside
// CLIENT_ID_PATTERN, so no device can ever hold this identity (or a client id, username or CN equal to it).
export const PROBE_PSK_IDENTITY = "_fleetward-probe";

const HEADER = "# Rendered by Fleetward from its desired state. Local edits are reverted.\n";

/** The denials every device's access starts with, whatever its roles grant: see CONTROL_TOPICS. */
export const RESERVED_DENIES = CONTROL_TOPICS.map((t) => `deny ${t}`);

const TOPIC_LINE = /^topic (?:(?:read|write|readwrite|deny) )?\S/;
const PATTERN_LINE = /^pattern (?:(?:read|write|readwrite|deny) )?\S/;
const SUBJECT_HASH = /^[0-9a-f]{8}$/;

/**
 * The files every broker reads. A value that would break its file's lines throws BrokerFileValueError naming its
 * owner (see broker-file-values.ts); a missing credential (a device with no password set yet) is simply absent.
 */
export function renderBrokerFiles({ devices, crlPem, probePskKeyHex, deviceCas, aclPatterns, liveClients }: TRenderInput): TBrokerFiles {
  const sorted = [...devices].sort((a, b) => byCodeUnit(a.clientId, b.clientId));
  for (const d of sorted) checkName(`device ${shown(d.clientId)}`, "client id", d.clientId);
  const enabled = sorted.filter((d) => !d.disabled);
  const passwd = joinLines(
    enabled
      .filter((d) => d.authType === "PASSWORD" && d.passwordHash)
      .map((d) => `${d.clientId}:${checkSecret(`device ${shown(d.clientId)}`, "password hash", d.passwordHash!, PASSWORD_HASH, "a Mosquitto password hash")}`),
  );
  const psk = joinLines([
    `${PROBE_PSK_IDENTITY}:${checkSecret("Fleetward's TLS probe", "PSK key", probePskKeyHex, HEX_KEY, "a hex key")}`,
    ...enabled.filter((d) => d.authType === "PSK" && d.pskIdentity && d.pskKeyHex).map((d) => pskLine(d)),
  ]);
  for (const ca of deviceCas) {
    checkPem(`device CA ${shown(ca.subjectHash)}`, "certificate", ca.certPem, "certificate");
    if (!SUBJECT_HASH.test(ca.subjectHash)) throw new BrokerFileValueError(`a device CA`, "subject hash", `(${shown(ca.subjectHash)}) is not 8 hex digits`);
  }
  checkPem("the device CAs", "CRLs", crlPem, "crls");
  return { passwd, acl: renderAcl(sorted, aclPatterns), psk, "crl.pem": crlPem, "cas.pem": renderCaBundle(deviceCas), ...renderLive(liveClients) };
}

/**
 * Every device listener sets use_username_as_clientid, so the user a block names (and %u/%c in a pattern) is the
 * authenticated identity (password user, certificate CN or PSK identity): a device cannot borrow another's access.
 * A client whose block decides nothing falls back to the patterns. A disabled certificate device still completes its
 * TLS handshake (only a CRL could refuse it): it may do nothing. Other disabled devices cannot connect at all. The
 * broker tries a user's block before the patterns, denials first within each: so the control topics are denied at
 * the head of every block (and of the patterns, below), and no grant of any role reaches them.
 */
function renderAcl(sorted: readonly TRenderDevice[], aclPatterns: readonly string[]): string {
  const blocks = sorted
    .filter((d) => (d.disabled ? d.authType === "X509" : d.aclLines.length > 0))
    .map((d) => {
      const lines = d.disabled ? ["topic deny #"] : d.aclLines.map((l) => checkLine(`device ${shown(d.clientId)}`, "ACL line", l, TOPIC_LINE));
      return `\nuser ${d.clientId}\n${[...RESERVED_DENIES.map((r) => `topic ${r}`), ...lines].join("\n")}\n`;
    });
  const shared = aclPatterns.map((p) => checkLine("the fleet's shared ACL patterns", "pattern", p, PATTERN_LINE));
  // Mosquitto 2.0.11 warns at every reload about a pattern with neither %c nor %u, and a log line written while it
  // reloads reaches every $SYS subscriber whatever its ACL (measured): the denials join the patterns only when a
  // shared grant could reach a control topic. Without such a grant, a client the patterns decide for is denied them.
  const patterns = [...(shared.some(reachesControl) ? RESERVED_DENIES.map((r) => `pattern ${r}`) : []), ...shared];
  // The probe only handshakes: it may do nothing.
  const probe = `\nuser ${PROBE_PSK_IDENTITY}\ntopic deny #\n`;
  return HEADER + patterns.map((p) => `${p}\n`).join("") + probe + blocks.join("");
}

/** The live listener reads only these: no pattern, so a live credential has exactly its own lines. */
function renderLive(liveClients: TRenderInput["liveClients"]): Pick<TBrokerFiles, "live-passwd" | "live-acl"> {
  const live = [...liveClients].sort((a, b) => byCodeUnit(a.username, b.username));
  for (const c of live) {
    const owner = `live credential ${shown(c.username)}`;
    checkName(owner, "username", c.username);
    if (!c.username.startsWith(LIVE_USERNAME_PREFIX)) throw new BrokerFileValueError(owner, "username", `does not start with ${LIVE_USERNAME_PREFIX}`);
    checkSecret(owner, "password hash", c.passwordHash, PASSWORD_HASH, "a Mosquitto password hash");
  }
  return {
    "live-passwd": joinLines(live.map((c) => `${c.username}:${c.passwordHash}`)),
    "live-acl": HEADER + live.map((c) => `\nuser ${c.username}\n${liveAclLines(c.role).join("\n")}\n`).join(""),
  };
}

/** Whether a pattern grant could match one of the control topics for some client (%c and %u: any level). */
function reachesControl(pattern: string): boolean {
  const [, access, filter] = /^pattern (?:(read|write|readwrite|deny) )?(.*)$/.exec(pattern) ?? [];
  if (access === "deny" || filter === undefined) return false;
  const widened = filter.split("/").map((l) => (l.includes("%") ? "+" : l)).join("/");
  return CONTROL_TOPICS.some((t) => filtersOverlap(widened, t));
}

function pskLine(d: TRenderDevice): string {
  const owner = `device ${shown(d.clientId)}`;
  checkName(owner, "PSK identity", d.pskIdentity!);
  if (d.pskIdentity === PROBE_PSK_IDENTITY) throw new BrokerFileValueError(owner, "PSK identity", "is Fleetward's own probe identity");
  return `${d.pskIdentity}:${checkSecret(owner, "PSK key", d.pskKeyHex!, HEX_KEY, "a hex key")}`;
}

// passwd, psk and live-passwd are sets of lines, written sorted: a change to a few devices travels as the lines removed and
// added, and the agent rebuilds exactly the file Fleetward rendered (the digests say so).
export const PATCHABLE_FILES = ["passwd", "psk", "live-passwd"] as const;
export type TPatchableFile = (typeof PATCHABLE_FILES)[number];
export type TLinePatch = { base: string; remove: string[]; add: string[]; result: string };

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const linesOf = (content: string) => content.split("\n").filter((l) => l !== "");

export function joinLines(lines: readonly string[]): string {
  return [...lines].sort(byCodeUnit).map((l) => `${l}\n`).join("");
}

export function linePatch(prev: string, next: string): TLinePatch {
  const before = new Set(linesOf(prev));
  const after = new Set(linesOf(next));
  return { base: sha256(prev), remove: [...before].filter((l) => !after.has(l)), add: [...after].filter((l) => !before.has(l)), result: sha256(next) };
}

/** The patched file, or null when the patch was made for another file or does not give the promised result. */
export function applyLinePatch(current: string, patch: TLinePatch): string | null {
  if (sha256(current) !== patch.base) return null;
  const gone = new Set(patch.remove);
  const next = joinLines([...linesOf(current).filter((l) => !gone.has(l)), ...patch.add]);
  return sha256(next) === patch.result ? next : null;
}

const CA_BLOCK = /# subject-hash ([0-9a-f]{8})\n(-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n)/g;

export function renderCaBundle(cas: readonly TBundledCa[]): string {
  return cas.map((c) => `# subject-hash ${c.subjectHash}\n${c.certPem.trim()}\n`).join("");
}

/** cas.pem as capath files: `<hash>.0`, `<hash>.1`… (two CAs may share a subject hash), each one certificate. */
export function caDirFiles(bundle: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, hash, pem] of bundle.matchAll(CA_BLOCK)) {
    let n = 0;
    while (out[`${hash}.${n}`] !== undefined) n++;
    out[`${hash}.${n}`] = pem!;
  }
  return out;
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
