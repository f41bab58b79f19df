import { z } from "zod";
import { hasControlCharacter, NO_CONTROL_CHARACTERS, NO_TEXT_CONTROL_CHARACTERS, TEXT_CONTROL_CHARACTERS } from "@/lib/domain/control-characters";
import { ROLES } from "@/lib/domain/permissions";

export const ZRole = z.enum(ROLES, { error: "must be one of ADMIN, OPERATOR, AUDITOR" });

export const ZUuid = z.uuid({ error: "must be an id (UUID)" });

/**
 * A string without control characters (U+0000-U+001F, U+007F): every topic, name, client id, username and filter.
 * Chain the field's own rules after it: a field reports its first reason, and this one says what is wrong.
 */
export const ZPlainString = (error = "must be a string") => z.string({ error }).refine((s) => !hasControlCharacter(s), NO_CONTROL_CHARACTERS);

/** Free text (a note) may keep tabs and line breaks, never the other control characters. */
export const ZFreeText = (error = "must be a string") => z.string({ error }).refine((s) => !TEXT_CONTROL_CHARACTERS.test(s), NO_TEXT_CONTROL_CHARACTERS);

export const ZLimit = z.coerce
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(500, "must be at most 500")
  .default(50);

// Cursors: each list's has its own shape, checked here so that a forged one is refused with 422 naming `cursor`
// before it reaches a query (where Postgres would refuse a U+0000 or a number beyond bigint with a 500).
export const BAD_CURSOR = "is not a cursor this API returned";
const ZCursorText = z.string().min(1, BAD_CURSOR).refine((s) => !hasControlCharacter(s), BAD_CURSOR);

/** A list's generic cursor: opaque text. */
export const ZCursor = ZCursorText.max(200, BAD_CURSOR).optional();

/** The last key of the previous page, when that key has a pattern of its own (a client id). */
export const ZKeyCursor = (pattern: RegExp, max: number) => ZCursorText.max(max, BAD_CURSOR).regex(pattern, BAD_CURSOR).optional();

const BIGINT_MAX = BigInt("9223372036854775807");

/** The last id of the previous page, from a Postgres bigint sequence (1 to 2^63-1). */
export const ZBigintCursor = z
  .string()
  .regex(/^\d{1,19}$/, BAD_CURSOR)
  .refine((s) => /^\d{1,19}$/.test(s) && BigInt(s) <= BIGINT_MAX, BAD_CURSOR)
  .optional();

/** The offset of the next page, base64url-encoded (an inventory sorted by columns with ties). */
export const ZOffsetCursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,24}$/, BAD_CURSOR)
  .refine((s) => offsetOfCursor(s) !== null, BAD_CURSOR)
  .optional();

/** The offset a ZOffsetCursor holds, or null. */
export function offsetOfCursor(cursor: string): number | null {
  let text: string;
  try {
    text = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return null;
  }
  const n = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(n) ? n : null;
}

/** Every list answers this shape. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const ZIdParams = z.strictObject({ id: ZUuid });

export const ZEmpty = z.strictObject({});
