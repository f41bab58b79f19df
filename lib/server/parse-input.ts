import "server-only";
import type { z } from "zod";
import { MAX_BODY_BYTES } from "@/lib/domain/body-limits.mjs";
import { AppError, type TFieldErrors } from "./errors";

/**
 * Reads a JSON body with a size cap; malformed JSON is a 400 naming the problem. The HTTP server in front
 * (scripts/serve.mjs) already stops a body at the same limit while it streams; this checks what arrives here again.
 */
export async function parseBody(req: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", `The body must be at most ${maxBytes} bytes.`, { body: `is larger than ${maxBytes} bytes` });
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw tooLarge();
  // A body cut off on the way (the client went, or the server refused it over its limit) is no input to judge.
  const text = await req.text().catch(() => {
    throw new AppError("BAD_REQUEST", "The body could not be read to its end.", { body: "was cut off" });
  });
  if (Buffer.byteLength(text) > maxBytes) throw tooLarge();
  if (text.trim() === "") return {};
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError("BAD_REQUEST", "The body must be JSON (Content-Type: application/json).", { body: "must be JSON" });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError("BAD_REQUEST", "The body is not valid JSON.", { body: (e as Error).message.slice(0, 200) });
  }
}

/** Validates one part of a request with its schema; a schema-less part must be empty. */
export function parseInput<S extends z.ZodType | undefined>(schema: S, value: unknown, where: "path" | "query" | "body") {
  if (!schema) {
    const extra = value && typeof value === "object" ? Object.keys(value) : [];
    if (extra.length) throw invalid(where, Object.fromEntries(extra.map((k) => [k, "is not a known parameter"])));
    return undefined as S extends z.ZodType ? z.output<S> : undefined;
  }
  const r = schema.safeParse(value);
  if (!r.success) throw invalid(where, fieldErrors(r.error));
  const nul = nulPath(r.data);
  if (nul !== null) throw invalid(where, { [nul]: "must not contain U+0000" });
  return r.data as S extends z.ZodType ? z.output<S> : undefined;
}

/**
 * Where the first U+0000 is in a value the schema accepted (a string or a key), or null. Postgres stores it in
 * neither text nor jsonb, so a field whose schema lets it through (free text, a list of anything) is refused here
 * rather than by the database with a 500.
 */
function nulPath(value: unknown): string | null {
  const stack: { v: unknown; path: string }[] = [{ v: value, path: "" }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { v, path } = item;
    if (typeof v === "string" && v.includes("\u0000")) return path || "body";
    if (!v || typeof v !== "object") continue;
    for (const [k, child] of Object.entries(v)) {
      const at = path ? `${path}.${k}` : k;
      if (k.includes("\u0000")) return at;
      stack.push({ v: child, path: at });
    }
  }
  return null;
}

function invalid(where: string, fields: TFieldErrors): AppError {
  const first = Object.entries(fields)[0];
  const summary = first ? `${first[0]} ${first[1]}` : "invalid input";
  return new AppError(where === "path" ? "NOT_FOUND" : "UNPROCESSABLE", `Invalid ${where}: ${summary}.`, fields);
}

/** zod issues -> { "field.path": "reason" }, one reason per field (the first). */
export function fieldErrors(error: z.ZodError): TFieldErrors {
  // No prototype: a field named "__proto__" or "constructor" must be reported, not resolved to Object's.
  const out: TFieldErrors = Object.create(null) as TFieldErrors;
  for (const issue of flatten(error.issues)) {
    const keys = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    for (const path of keys) {
      const field = path.map(String).join(".") || "body";
      if (!Object.hasOwn(out, field)) out[field] = issue.code === "unrecognized_keys" ? "is not a known field" : issue.message;
    }
  }
  return out;
}

/** A value that fits none of a union's forms is reported against the form it came closest to (fewest issues). */
function flatten(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== "invalid_union" || issue.errors.length === 0) return [issue];
    const closest = issue.errors.reduce((a, b) => (b.length < a.length ? b : a));
    return flatten(closest.map((i) => ({ ...i, path: [...issue.path, ...i.path] })));
  });
}
