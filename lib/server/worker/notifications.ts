import "server-only";
import pg from "pg";
import { dbEnv } from "../env";
import { deliverDueWebhooks, WEBHOOK_BATCH } from "../services/webhooks/deliver-webhooks";

type TLog = (msg: string) => void;

const LISTEN_RETRY_MS = [500, 1_000, 2_000, 5_000, 10_000];

/**
 * LISTENs on these channels on a connection of its own, and connects again when Postgres drops it (a restart, a
 * failover), with backoff. Notifications sent while it was away are lost, so `onNotify` is called for every
 * channel once it is back: the workers then look for what came in meanwhile.
 */
export function listen(channels: readonly string[], log: TLog, onNotify: (channel: string) => void) {
  let client: pg.Client | null = null;
  let stopped = false;
  let failures = 0;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  const connect = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: dbEnv().DATABASE_URL });
    c.on("notification", (n) => onNotify(n.channel));
    let lost = false;
    const retry = (e?: unknown) => {
      if (lost || stopped) return;
      lost = true;
      if (client === c) client = null;
      void c.end().catch(() => undefined);
      const delay = LISTEN_RETRY_MS[Math.min(failures++, LISTEN_RETRY_MS.length - 1)]!;
      if (failures === 1) log(`notification connection lost (${e instanceof Error ? e.message : "closed"}); reconnecting`);
      setTimeout(() => void connect(), delay).unref();
    };
    c.on("error", retry);
    c.on("end", () => retry());
    try {
      await c.connect();
      for (const ch of channels) await c.query(`LISTEN ${ch}`);
    } catch (e) {
      return retry(e);
    }
    if (stopped) return void c.end().catch(() => undefined);
    client = c;
    if (failures > 0) log("notification connection restored");
    failures = 0;
    markReady();
    channels.forEach(onNotify);
  };
  void connect();
  return {
    ready,
    stop: async () => {
      stopped = true;
      await client?.end().catch(() => undefined);
    },
  };
}

/** Retries come due between notifications: look this often. */
const WEBHOOK_POLL_MS = 5_000;

/** Sends due webhook deliveries when woken (a delivery was queued) and every few seconds (retries), one round at a time. */
export function startWebhookDispatcher(log: TLog) {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const round = async () => {
    do {
      again = false;
      // A full batch means more may be due: go on at once (until a stop: what is left is sent by the next worker).
      while (!stopped && (await deliverDueWebhooks().catch((e: unknown) => (log(`webhook delivery failed: ${String(e)}`), 0))) >= WEBHOOK_BATCH);
    } while (again && !stopped);
  };
  const wake = () => {
    if (stopped) return;
    if (running) again = true;
    else running = round().finally(() => (running = null));
  };
  const timer = setInterval(wake, WEBHOOK_POLL_MS);
  timer.unref();
  wake();
  return { wake, stop: async () => ((stopped = true), clearInterval(timer), await running) };
}
