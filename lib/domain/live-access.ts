// What a browser's live views may read from a broker, through its short-lived credential: the broker's own $SYS
// counters, what Fleetward's agent publishes about it (connected clients, their events, its heartbeat) and, for the
// roles that may inspect traffic, the fleet's own messages. Read-only: it may publish nothing. Live credentials
// live in files of their own (live-passwd, live-acl) read only by each broker's live listener, so no device
// grant or shared pattern reaches them and none of theirs reaches a device. Pure.
import { can, type TRole } from "./permissions";

/** Live usernames start with "_": a reserved name (reserved-names.ts), so no device can hold one. */
export const LIVE_USERNAME_PREFIX = "_live-";

export const LIVE_TOPICS = ["$SYS/#", "fleetward/agent/+/clients", "fleetward/agent/+/events", "fleetward/agent/+/heartbeat", "fleetward/agent/+/load"] as const;

/**
 * The topics only Fleetward's admin channel and agents may read: signed commands carry the rendered files (password
 * hashes, PSK keys) and replies their digests. `#` would reach them, so a traffic scope denies them first (the
 * broker tries a user's denials before its grants).
 */
export const LIVE_DENIED_TOPICS = ["fleetward/agent/+/cmd", "fleetward/agent/+/reply"] as const;

/** What the traffic views of a role may subscribe to beside LIVE_TOPICS: every device topic, or nothing. */
export const trafficScope = (role: TRole): string[] => (can(role, "live.inspect") ? ["#"] : []);

/** The live-acl lines of one live credential. */
export function liveAclLines(role: TRole): string[] {
  const traffic = trafficScope(role);
  return [...(traffic.length ? LIVE_DENIED_TOPICS.map((t) => `topic deny ${t}`) : []), ...LIVE_TOPICS.map((t) => `topic read ${t}`), ...traffic.map((t) => `topic read ${t}`)];
}
