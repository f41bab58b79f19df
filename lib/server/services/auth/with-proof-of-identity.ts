import "server-only";
import { minutesUntil } from "@/lib/domain/login-throttle";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { AppError } from "../../errors";
import { releaseLoginAttempt, reserveLoginAttempt } from "./reserve-login-attempt";

/** What `run` answers when the proof it checked was wrong. */
export const WRONG_PROOF = Symbol("wrong proof");

export type TProofOptions = {
  actor: TActor;
  user: { id: string; email: string };
  /** The body field the proof came in, named in the answer beside it. */
  field: string;
  /** Audited for a refusal (a wrong proof or a lock), with the reason and what the proof was for. */
  refusedAction: string;
  purpose?: string;
  /** The answer to a wrong proof: its message and the reason beside the field. */
  wrong: { message: string; reason: string; audited: string };
};

/**
 * Runs an action that a signed-in user proves again (their password, or a code of their second factor) as an
 * attempt counted like a sign-in: reserved before the check, so a session cannot try more passwords or codes than
 * the lockout allows, even all at once. A wrong proof stays a failure of the account and is audited; a right one
 * counts neither way (a signed-in user proving themselves again ends no one's lockout). A locked account or
 * address answers 429 beside the field.
 */
export async function withProofOfIdentity<T>(options: TProofOptions, run: () => Promise<T | typeof WRONG_PROOF>): Promise<T> {
  const { actor, user, field, refusedAction, purpose, wrong } = options;
  const now = new Date();
  const refused = (details: Record<string, unknown>) =>
    change((tx) => appendAudit(tx, actor, { action: refusedAction, targetType: "user", targetId: user.id, details: { ...details, ...(purpose ? { purpose } : {}) } }));
  const reservation = await reserveLoginAttempt({ email: user.email, ip: actor.ip ?? "unknown", now });
  if ("until" in reservation) {
    await refused({ reason: "locked", until: reservation.until.toISOString() });
    const minutes = minutesUntil(reservation.until, now);
    throw new AppError("TOO_MANY_REQUESTS", `Too many failed attempts: try again in ${minutes} minute(s).`, { [field]: "too many failed attempts" }, minutes * 60);
  }
  let result: T | typeof WRONG_PROOF;
  try {
    result = await run();
  } catch (err) {
    // Refused for another reason (a conflict, the policy): the proof was not what failed.
    await releaseLoginAttempt(reservation.id);
    throw err;
  }
  if (result === WRONG_PROOF) {
    await refused({ reason: wrong.audited });
    throw new AppError("UNPROCESSABLE", wrong.message, { [field]: wrong.reason });
  }
  await releaseLoginAttempt(reservation.id);
  return result;
}
