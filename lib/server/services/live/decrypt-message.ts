import "server-only";
import { decryptPayload, encryptedKeyId } from "@/lib/domain/message-encryption";
import type { TDecrypted } from "@/lib/schemas/signing";
import { appendAudit, type TActor } from "../../audit";
import { change } from "../../change";
import { db } from "../../db";
import { AppError } from "../../errors";
import { contentKeyBytes } from "../signing/content-key-dto";

/**
 * Decrypts one message the inspector shows, for a role that may: audited (key, topic and size; never the
 * plaintext). A revoked key no longer decrypts.
 */
export async function decryptMessage({ actor, topic, payload }: { actor: TActor; topic: string; payload: string }): Promise<TDecrypted> {
  const kid = encryptedKeyId(payload);
  if (!kid) throw new AppError("UNPROCESSABLE", "The payload is not an encrypted message.", { payload: "is not a JWE naming a content key" });
  const key = await db.contentKey.findUnique({ where: { id: kid } });
  if (!key) throw new AppError("UNPROCESSABLE", `Content key ${kid} is not known.`, { payload: `names an unknown content key ${kid}` });
  if (key.revokedAt) throw new AppError("UNPROCESSABLE", `Content key ${kid} was revoked.`, { payload: "is under a revoked content key" });
  const opened = await decryptPayload(payload, contentKeyBytes(key));
  if ("problem" in opened) throw new AppError("UNPROCESSABLE", `The payload ${opened.problem}.`, { payload: opened.problem });
  await change((tx) => appendAudit(tx, actor, { action: "live.payload_decrypt", targetType: "content_key", targetId: kid, details: { topic, bytes: opened.plaintext.length } }));
  let text: string | null;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(opened.plaintext);
  } catch {
    text = null;
  }
  return { contentKey: kid, text, base64: Buffer.from(opened.plaintext).toString("base64") };
}
