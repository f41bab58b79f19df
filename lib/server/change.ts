import "server-only";
import { lockAuditChain } from "./audit";
import { db, type TTx } from "./db";

/**
 * The transaction every change runs in: its data, its audit event and its sync jobs commit together. Changes
 * are serialised by the audit chain's lock, taken first, so no two changes can wait on each other's rows
 * (one lock order for all) and the chain stays one line.
 */
export function change<T>(fn: (tx: TTx) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
  return db.$transaction(
    async (tx) => {
      await lockAuditChain(tx);
      return fn(tx);
    },
    { maxWait: 10_000, timeout: options.timeoutMs ?? 30_000 },
  );
}
