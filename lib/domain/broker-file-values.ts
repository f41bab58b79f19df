// The second wall behind the schemas: every value Fleetward writes into a file a broker reads line by line
// (passwd, psk, acl, live-*, cas.pem, crl.pem, mosquitto.conf, the admin ACL) is checked here first. A value that
// would break its line (a line break ends the line and starts one an attacker wrote; a ':' splits passwd and psk; a
// space ends a name in `user <name>`) is refused with an error naming whose value it is, never skipped or escaped:
// the render fails loudly, the sync that needed it reports it on the broker, and nothing half-right reaches a broker.
// Pure.

/** A value that cannot be written into a broker's file; the message names its owner and field, never a secret. */
export class BrokerFileValueError extends Error {
  constructor(
    readonly owner: string,
    readonly field: string,
    reason: string,
  ) {
    super(`Cannot render the brokers' files: the ${field} of ${owner} ${reason}.`);
    this.name = "BrokerFileValueError";
  }
}

const CONTROL = /[\u0000-\u001f\u007f]/;
/** What ends or splits a name in Mosquitto's files: whitespace, passwd/psk's ':' and the topic characters. */
const NOT_IN_NAMES = /[\s:#+/]/;

/** How to show a non-secret value in an error: escaped, so a control character is visible, and bounded. */
export const shown = (v: string) => JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);

function controlProblem(v: string): string | null {
  const m = CONTROL.exec(v);
  return m ? `holds the control character U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}` : null;
}

/** A name written as a whole token: a username in passwd or `user` lines, a PSK identity, a broker name in a topic. */
export function checkName(owner: string, field: string, v: string): string {
  if (v.length === 0) throw new BrokerFileValueError(owner, field, "is empty");
  const problem = controlProblem(v) ?? (NOT_IN_NAMES.test(v) ? `(${shown(v)}) holds whitespace or one of : # + /` : null);
  if (problem) throw new BrokerFileValueError(owner, field, problem);
  return v;
}

/** A secret written after a name's ':' (a password hash, a PSK key): never shown, whatever is wrong with it. */
export function checkSecret(owner: string, field: string, v: string, pattern: RegExp, what: string): string {
  if (!pattern.test(v)) throw new BrokerFileValueError(owner, field, `is not ${what} (value not shown)`);
  return v;
}

export const PASSWORD_HASH = /^\$[0-9]+\$[A-Za-z0-9+/=$.]+$/;
export const HEX_KEY = /^(?:[0-9a-fA-F]{2})+$/;

/** One whole line of a file (an ACL rule, a conf setting): no control character, and the keyword it must start with. */
export function checkLine(owner: string, field: string, v: string, keyword: RegExp): string {
  const problem = controlProblem(v) ?? (keyword.test(v) ? null : `(${shown(v)}) is not a line of the expected kind`);
  if (problem) throw new BrokerFileValueError(owner, field, problem);
  return v;
}

/** A path or word written as the single value of a mosquitto.conf setting: Mosquitto ends it at whitespace. */
export function checkConfValue(owner: string, field: string, v: string): string {
  if (v.length === 0) throw new BrokerFileValueError(owner, field, "is empty");
  const problem = controlProblem(v) ?? (/\s/.test(v) ? `(${shown(v)}) holds whitespace` : null);
  if (problem) throw new BrokerFileValueError(owner, field, problem);
  return v;
}

const PEM_BODY = "[A-Za-z0-9+/=\\n]+";
const pemBlocks = (label: string) => new RegExp(`^(?:-----BEGIN ${label}-----\\n${PEM_BODY}-----END ${label}-----\\n?)+$`);
const ONE_CERTIFICATE = new RegExp(`^-----BEGIN CERTIFICATE-----\\n${PEM_BODY}-----END CERTIFICATE-----$`);
const CRLS = pemBlocks("X509 CRL");

/** A PEM written into a bundle: only its own block(s), "\n" line ends, nothing before or after. */
export function checkPem(owner: string, field: string, v: string, kind: "certificate" | "crls"): string {
  const ok = kind === "certificate" ? ONE_CERTIFICATE.test(v.trim()) : v === "" || CRLS.test(v);
  if (!ok) throw new BrokerFileValueError(owner, field, kind === "certificate" ? "is not exactly one PEM certificate with \\n line ends" : "is not PEM CRL blocks with \\n line ends");
  return v;
}

export function checkPort(owner: string, field: string, v: number): number {
  if (!Number.isInteger(v) || v < 1 || v > 65_535) throw new BrokerFileValueError(owner, field, `(${String(v)}) is not a port number`);
  return v;
}
