import "server-only";
import { SIGNATURE_HEADER, signWebhook } from "@/lib/domain/security/webhook-signature";
import { nextAttemptAt } from "@/lib/domain/security/webhooks";
import { db } from "../../db";
import { unseal } from "../../secrets";
import { webhookSecretContext } from "./webhook-dto";

export const WEBHOOK_BATCH = 20;
const TIMEOUT_MS = 10_000;
/** A claimed delivery is not due again for this long: if its worker dies mid-send, another sends it after. */
const LEASE_S = 60;

type TClaimed = { id: string; targetId: string; event: string; payload: unknown; attempts: number; url: string; secretSealed: string };

/** One signed POST; redirects are not followed (a moved receiver is a configuration to fix, not to guess). */
async function send(d: TClaimed): Promise<{ ok: boolean; status: number | null; error: string | null }> {
  const body = JSON.stringify({ id: d.id, ...(d.payload as object) });
  const secret = unseal(d.secretSealed, webhookSecretContext(d.targetId));
  try {
    const res = await fetch(d.url, {
      method: "POST",
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: {
        "content-type": "application/json",
        "user-agent": "Fleetward-Webhook/1",
        "x-fleetward-event": d.event,
        "x-fleetward-delivery": d.id,
        [SIGNATURE_HEADER]: signWebhook(secret, Math.floor(Date.now() / 1000), body),
      },
    });
    await res.body?.cancel().catch(() => undefined); // the receiver's answer is not kept
    return res.ok ? { ok: true, status: res.status, error: null } : { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (e) {
    // fetch says only "fetch failed": the reason (ECONNREFUSED, a certificate error, a port fetch refuses) is its cause.
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = e instanceof Error && e.name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? String(e));
    return { ok: false, status: null, error: why.slice(0, 200) };
  }
}

/**
 * Sends the deliveries that are due (new ones, and failed ones whose back-off has passed), each claimed by one
 * worker however many run (SKIP LOCKED), and records the outcome: delivered, due again later, or failed for good.
 * Returns how many were sent.
 */
export async function deliverDueWebhooks(): Promise<number> {
  const now = new Date();
  const claimed = await db.$queryRaw<TClaimed[]>`
    WITH due AS (
      SELECT "id" FROM "WebhookDelivery" WHERE "status" = 'pending' AND "nextAttemptAt" <= ${now}
      ORDER BY "nextAttemptAt" LIMIT ${WEBHOOK_BATCH} FOR UPDATE SKIP LOCKED
    )
    UPDATE "WebhookDelivery" d SET "attempts" = d."attempts" + 1, "nextAttemptAt" = ${new Date(now.getTime() + LEASE_S * 1000)}
    FROM due, "WebhookTarget" t WHERE d."id" = due."id" AND t."id" = d."targetId"
    RETURNING d."id"::text, d."targetId"::text AS "targetId", d."event", d."payload", d."attempts", t."url", t."secretSealed"`;
  await Promise.all(claimed.map(async (d) => {
    const r = await send(d);
    const at = new Date();
    const next = r.ok ? null : nextAttemptAt(d.attempts, at);
    await db.webhookDelivery.update({
      where: { id: d.id },
      data: r.ok
        ? { status: "delivered", deliveredAt: at, lastStatus: r.status, lastError: null }
        : { status: next ? "pending" : "failed", nextAttemptAt: next ?? at, lastStatus: r.status, lastError: r.error },
    });
  }));
  return claimed.length;
}
