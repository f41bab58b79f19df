// The names Fleetward's own broker identities use, and why no device may hold one: a device named like one of them
// would be treated as Fleetward by the broker (the admin listener's ACL, an agent's session) and by Fleetward itself
// (the Live page's labels, the detections that skip Fleetward's own connections). Every place a device's client id
// or username enters refuses them. Pure; it runs in the browser too.
import { LIVE_USERNAME_PREFIX } from "./live-access";

export type TFleetwardIdentity = {
  /** The username (certificate CN, PSK identity) Fleetward connects as, or the start of one. */
  name: string;
  match: "exact" | "prefix";
  /** How the Live page labels a connection with it. */
  label: string;
  why: string;
};

// The same names are declared where the broker side is rendered (mosquitto-conf.ts ADMIN_IDENTITY and agentIdentity,
// broker-files.ts PROBE_PSK_IDENTITY). Those modules need node:crypto, which this one, loaded by the browser, cannot
// import: reserved-names.test.ts proves that each of theirs is listed here.
export const FLEETWARD_IDENTITIES: readonly TFleetwardIdentity[] = [
  {
    name: "fleetward-admin",
    match: "exact",
    label: "Fleetward admin channel",
    why: "the admin listener grants it readwrite #: it reads every signed command and may publish to every device",
  },
  {
    name: "fleetward-agent-",
    match: "prefix",
    label: "Fleetward agent",
    why: "each broker's agent (fleetward-agent-<broker>): a client with its id takes over the agent's session and leaves the broker unmanaged",
  },
  { name: "_fleetward-probe", match: "exact", label: "Fleetward TLS probe", why: "the PSK identity of Fleetward's TLS probe of each broker" },
  { name: LIVE_USERNAME_PREFIX, match: "prefix", label: "Fleetward live view", why: "the short-lived credentials of browsers' live views" },
];

/**
 * Whole prefixes, so that identities Fleetward adds later are covered too. `fleetward` is compared without regard to
 * case, so that no device can pass for Fleetward on a page either.
 */
export const RESERVED_PREFIXES: readonly { prefix: string; why: string }[] = [
  { prefix: "fleetward", why: "Fleetward's own identities: its admin channel (username fleetward-admin, client ids fleetward-…), its agents, and any it adds later" },
  { prefix: "_", why: "Fleetward's internal identities: the TLS probe, live views" },
  { prefix: "$", why: "the broker's own namespace ($SYS, $CONTROL) and Mosquitto's internal clients" },
];

export const RESERVED_NAME_REASON = "is reserved for Fleetward's own identities (admin channel, agents, probe, live views)";

/** Whether a client id or username is Fleetward's (or may become Fleetward's): no device may hold it. */
export function isReservedName(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_PREFIXES.some((r) => lower.startsWith(r.prefix)) || FLEETWARD_IDENTITIES.some((i) => matches(i, name));
}

/** Why a device may not use this client id or username, or null. */
export const reservedNameProblem = (name: string): string | null => (isReservedName(name) ? RESERVED_NAME_REASON : null);

const matches = (i: TFleetwardIdentity, username: string) => (i.match === "exact" ? username === i.name : username.startsWith(i.name));

/**
 * What Fleetward itself connects as, by username, or null. Only its known identities are labelled: a connection
 * under another reserved name is no identity of Fleetward's, so it is shown as unknown.
 */
export function fleetwardIdentity(username: string | null): string | null {
  if (!username) return null;
  return FLEETWARD_IDENTITIES.find((i) => matches(i, username))?.label ?? null;
}
