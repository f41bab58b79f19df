// A hardened mosquitto.conf for one broker of the fleet (Mosquitto 2.0). Pure: paths and ports in, text out.
import { CA_DIR } from "./broker-files";
import { checkConfValue, checkName, checkPort } from "./broker-file-values";

import { LISTENERS as LISTENER_NAMES, type TBrokerPorts, type TListenerName } from "./listeners";

export { LISTENERS, type TBrokerPorts, type TListenerName } from "./listeners";

export type TConfInput = {
  bind: string;
  ports: TBrokerPorts;
  /** The fleet CA: it issued the broker's certificate and the device certificates the mtls listener accepts. */
  caFile: string;
  /**
   * Fleetward's service CA, which issues only its admin and agent identities: the one CA the admin listener trusts,
   * so no device certificate (whatever its CN) is ever Fleetward there.
   */
  adminCaFile: string;
  certFile: string;
  keyFile: string;
  /** Admin listener's own ACL: Fleetward's admin identity and this broker's agent. Never touched by sync. */
  adminAclFile: string;
  /** The agent-managed files (MANAGED_FILES) and the CA folder the agent lays out. */
  managedDir: string;
  /**
   * Enforcement by Fleetward's broker plugin (broker-plugin/): the device and live listeners authenticate and check
   * ACLs in it, and it takes its commands from this broker's agent on the admin listener. Without it, the files.
   */
  plugin?: { file: string; broker: string; stateDir: string };
};

/** What the plugin does on each listener (plugin_opt_listener). */
const PLUGIN_LISTENER: Record<TListenerName, string> = { admin: "admin", tlsPassword: "password", mtls: "cert", psk: "psk", wss: "password", live: "live" };

// TLS 1.2 suites with forward secrecy only (TLS 1.3 suites are all forward-secret); tls_version is a minimum.
export const TLS12_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES256-GCM-SHA384",
].join(":");
// PSK without certificates: (EC)DHE key exchange for forward secrecy. TLS 1.2: ECDHE-PSK suites only (no plain
// PSK). TLS 1.3: OpenSSL serves a psk_file key only with SHA-256 suites, and only in psk_dhe_ke mode (an X25519
// key share each handshake): it ignores psk_ke unless the server sets SSL_OP_ALLOW_NO_DHE_KEX, which Mosquitto
// 2.0 does not (a psk_ke-only ClientHello is refused).
export const PSK_CIPHERS = ["ECDHE-PSK-CHACHA20-POLY1305", "ECDHE-PSK-AES128-CBC-SHA256"].join(":");
export const PSK_TLS13_CIPHERS = ["TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"].join(":");

/** mosquitto.conf for one broker; a path, address or port that would break its line throws BrokerFileValueError. */
export function renderMosquittoConf(c: TConfInput): string {
  for (const k of ["bind", "caFile", "adminCaFile", "certFile", "keyFile", "adminAclFile", "managedDir"] as const) checkConfValue("the broker's mosquitto.conf", k, c[k]);
  if (c.plugin) {
    checkConfValue("the broker's mosquitto.conf", "plugin file", c.plugin.file);
    checkConfValue("the broker's mosquitto.conf", "plugin state folder", c.plugin.stateDir);
    checkName(`broker ${JSON.stringify(c.plugin.broker)}`, "name", c.plugin.broker);
  }
  for (const l of LISTENER_NAMES) checkPort("the broker's mosquitto.conf", `${l} port`, c.ports[l]);
  const m = (f: string) => `${c.managedDir}/${f}`;
  const tls = [`cafile ${c.caFile}`, `certfile ${c.certFile}`, `keyfile ${c.keyFile}`, "tls_version tlsv1.2", `ciphers ${TLS12_CIPHERS}`];
  // Each listener's plugin options follow its `plugin` line; the admin listener's name the one agent it takes commands
  // from and the folder where the plugin keeps what it applied.
  const plugin = (name: TListenerName) =>
    c.plugin ? [`plugin ${c.plugin.file}`, `plugin_opt_listener ${PLUGIN_LISTENER[name]}`, ...(name === "admin" ? [`plugin_opt_agent ${agentIdentity(c.plugin.broker)}`, `plugin_opt_state_dir ${c.plugin.stateDir}`] : [])] : [];
  // With the plugin, a listener's credentials and ACLs are the plugin's; the files are left out.
  const files = (lines: string[]) => (c.plugin ? [] : lines);
  const device = ["allow_anonymous false", ...files([`acl_file ${m("acl")}`]), "use_username_as_clientid true"];
  // Certificate and PSK identities: without the plugin, the broker takes them as the username (and so the client id)
  // and skips authentication; the plugin takes the login itself, so that it sees and judges each one (the client id
  // must then be the identity).
  const identity = c.plugin ? ["allow_anonymous false"] : ["use_identity_as_username true", ...device];
  const block = (name: TListenerName, lines: string[]) => [`# ${name}`, `listener ${c.ports[name]} ${c.bind}`, ...lines, ...plugin(name), ""].join("\n");
  return [
    "# Rendered by Fleetward. Each listener has its own authentication and ACL settings.",
    "per_listener_settings true",
    "persistence false",
    "sys_interval 5",
    "max_keepalive 300",
    "log_dest stderr",
    "log_dest topic",
    "log_type error",
    "log_type warning",
    "log_type notice",
    "log_type information",
    "log_timestamp true",
    "log_timestamp_format %Y-%m-%dT%H:%M:%S",
    "connection_messages true",
    "",
    // No crlfile here: crl.pem holds the device CAs' CRLs, and OpenSSL refuses a certificate whose issuer has no CRL
    // in it. An admin or agent identity is retired by rotating it (see README).
    // Commands and their replies are small messages answered at once: Nagle's algorithm would hold a reply for the
    // peer's delayed ACK (about 40 ms each way, measured with the plugin's replies).
    block("admin", ["allow_anonymous false", ...tls.map((l) => (l.startsWith("cafile ") ? `cafile ${c.adminCaFile}` : l)), "require_certificate true", "use_identity_as_username true", `acl_file ${c.adminAclFile}`, "set_tcp_nodelay true"]),
    block("tlsPassword", [...tls, "require_certificate false", ...device, ...files([`password_file ${m("passwd")}`])]),
    // Device certificates may come from the fleet CA (cafile) or a CA added later (capath, read on each handshake:
    // Mosquitto 2.0 does not reload cafile on SIGHUP); crl.pem holds a CRL for each of them.
    block("mtls", [...tls, `capath ${m(CA_DIR)}`, "require_certificate true", `crlfile ${m("crl.pem")}`, ...identity]),
    block("psk", ["psk_hint fleetward", ...files([`psk_file ${m("psk")}`]), "tls_version tlsv1.2", `ciphers ${PSK_CIPHERS}`, `ciphers_tls1.3 ${PSK_TLS13_CIPHERS}`, ...identity]),
    block("wss", ["protocol websockets", ...tls, ...device, ...files([`password_file ${m("passwd")}`])]),
    // Browsers' live views only, through Fleetward's relay: short-lived read-only credentials of their own.
    block("live", ["protocol websockets", ...tls, "allow_anonymous false", ...files([`password_file ${m("live-passwd")}`, `acl_file ${m("live-acl")}`]), "use_username_as_clientid true"]),
  ].join("\n");
}

export const ADMIN_IDENTITY = "fleetward-admin";
export const agentIdentity = (broker: string) => `fleetward-agent-${broker}`;

/** The admin listener's ACL: the admin sees everything; an agent only its own command and report topics. */
export function renderAdminAcl(broker: string): string {
  checkName(`broker ${JSON.stringify(broker)}`, "name", broker);
  const base = `fleetward/agent/${broker}`;
  return [
    "# Rendered by Fleetward for the admin listener.",
    `user ${ADMIN_IDENTITY}`,
    "topic readwrite #",
    "topic read $SYS/#",
    "",
    `user ${agentIdentity(broker)}`,
    `topic read ${base}/cmd`,
    `topic write ${base}/reply`,
    `topic write ${base}/heartbeat`,
    `topic write ${base}/clients`,
    `topic write ${base}/events`,
    `topic write ${base}/load`,
    // The broker plugin's commands, handed on by the agent once it has checked Fleetward's signature, its replies and events.
    "topic write $CONTROL/fleetward/v1",
    "topic read $CONTROL/fleetward/v1/response",
    "topic read $CONTROL/fleetward/v1/events",
    "topic read $SYS/#",
    "",
  ].join("\n");
}
