import "server-only";
import { writeAuditCheckpoint } from "../services/audit/write-audit-checkpoint";

/** How often the head is looked at (one indexed query). */
const POLL_MS = 5_000;
/** A checkpoint is written once this many events were appended since the newest one… */
const EVERY_EVENTS = 100;
/** …or once it is a minute old and the chain has grown. */
const EVERY_MS = 60_000;

/**
 * Keeps the audit chain's checkpoints current: at start (after anchoring a chain from before the keyed chain) and
 * then every EVERY_EVENTS events or EVERY_MS. A head behind the newest checkpoint, or a chain that no longer holds
 * it, is logged once and not checkpointed over: verification names it.
 */
export function startAuditCheckpointer(log: (msg: string) => void) {
  let running: Promise<void> | null = null;
  let stopped = false;
  let lastRefusal = "";
  const round = async (first: boolean) => {
    const r = await writeAuditCheckpoint(first ? {} : { minEvents: EVERY_EVENTS, maxAgeMs: EVERY_MS });
    if (r.written) {
      lastRefusal = "";
      log(`audit checkpoint: event #${r.written.headId} (${r.written.count} events) under audit key ${r.written.keyId}, to ${r.file}${r.webhooks ? ` and ${r.webhooks} webhook target(s)` : ""}`);
    } else if (r.reason === "behind" || r.reason === "rewritten") {
      const msg = `audit checkpoint refused: the chain ${r.reason === "behind" ? "ends before" : "no longer holds"} event #${r.newest?.headId} of the checkpoint of ${r.newest?.at}; run Verify on the Audit page`;
      if (msg !== lastRefusal) log(msg);
      lastRefusal = msg;
    }
  };
  const tick = (first = false) => {
    if (running || stopped) return;
    running = round(first)
      .catch((e: unknown) => log(`audit checkpoint failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => (running = null));
  };
  const timer = setInterval(tick, POLL_MS);
  timer.unref();
  tick(true);
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
