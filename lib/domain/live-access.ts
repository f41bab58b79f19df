// What a browser's live views may read from a broker, through its short-lived credential: the broker's own $SYS
// counters and what Fleetward's agent publishes about it (connected clients, their events, its heartbeat).
// Read-only: it may publish nothing. Pure.

/** Live usernames start with "_": outside the client id policy, so no device can hold one. */
export const LIVE_USERNAME_PREFIX = "_live-";

export const LIVE_TOPICS = ["$SYS/#", "fleetward/agent/+/clients", "fleetward/agent/+/events", "fleetward/agent/+/heartbeat"] as const;

/** The acl_file lines of a live credential (the fleet's shared patterns are denied to it by the renderer). */
export const liveAclLines = (): string[] => LIVE_TOPICS.map((t) => `topic read ${t}`);

/** What Fleetward itself connects as, by username (its admin channel, agents, probe, live views), or null. */
export function fleetwardIdentity(username: string | null): string | null {
  if (!username) return null;
  if (username === "fleetward-admin") return "Fleetward admin channel";
  if (username.startsWith("fleetward-agent-")) return "Fleetward agent";
  if (username.startsWith(LIVE_USERNAME_PREFIX)) return "Fleetward live view";
  if (username === "_fleetward-probe") return "Fleetward TLS probe";
  return null;
}
