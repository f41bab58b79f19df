// A broker's load as its $SYS topics tell it: messages and bytes per second in and out (Mosquitto's 1-minute
// averages, published per minute) and connected clients. The agent keeps an hour of it; the live views add their own
// samples as they come. Pure.

export type TLoadValues = { msgIn: number; msgOut: number; bytesIn: number; bytesOut: number; clients: number };
export type TLoadSample = TLoadValues & { at: number };

export const LOAD_TOPICS = {
  "$SYS/broker/load/messages/received/1min": "msgIn",
  "$SYS/broker/load/messages/sent/1min": "msgOut",
  "$SYS/broker/load/bytes/received/1min": "bytesIn",
  "$SYS/broker/load/bytes/sent/1min": "bytesOut",
  "$SYS/broker/clients/connected": "clients",
} as const satisfies Record<string, keyof TLoadValues>;

export const HOUR_MS = 3_600_000;
/** The agent samples every 30 s: an hour is 120 samples. */
export const AGENT_LOAD_EVERY_MS = 30_000;

export const emptyLoad = (): TLoadValues => ({ msgIn: 0, msgOut: 0, bytesIn: 0, bytesOut: 0, clients: 0 });

/** Reads one $SYS load value into `into` (rates per second); false when the topic is none of LOAD_TOPICS. */
export function readLoadTopic(into: TLoadValues, topic: string, payload: string): boolean {
  const key = (LOAD_TOPICS as Record<string, keyof TLoadValues>)[topic];
  if (!key) return false;
  const value = Number(payload);
  if (!Number.isFinite(value)) return true;
  into[key] = key === "clients" ? value : value / 60;
  return true;
}

/**
 * One series for the last hour: the agent's samples from before the page's own first one, then the page's, sorted
 * by time, none older than an hour before `now`.
 */
export function mergeLoad(history: readonly TLoadSample[], own: readonly TLoadSample[], now: number): TLoadSample[] {
  const firstOwn = own[0]?.at ?? Infinity;
  return [...history.filter((s) => s.at < firstOwn), ...own].filter((s) => s.at > now - HOUR_MS).sort((a, b) => a.at - b.at);
}
