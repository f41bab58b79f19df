// Generators of hostile input for e2e/api/hostile-input.spec.ts: random values, control characters inside otherwise
// valid bodies, Fleetward's reserved names in name-like fields, and bodies sent with Transfer-Encoding: chunked.
import http from "node:http";
import { Readable } from "node:stream";
import fc from "fast-check";

/** Each control character a value may hide: U+0001-U+001F and U+007F (U+0000 is among the random strings). */
export const CONTROLS = [...Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)), "\u007f"];

/** Names of Fleetward's own identities (and ones like them): no device may take one. */
export const RESERVED = ["fleetward-admin", "fleetward-agent-x", "_live-x", "_fleetward-probe"];

/** Keys whose value is a name, a client id or a username. */
export const NAME_LIKE = /name$|^name|clientid|clientids|username|replaces/i;

export const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.constantFrom(
    "", " ", "\u0000", "\u202e\u0645", "\ud800", "🧨".repeat(300), "x".repeat(100_000), "'; DROP TABLE \"Device\"; --", "' OR '1'='1", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "../../etc/passwd", "%00", "${clientId}", "#", "+/#", "$SYS/#", "null", "NaN", "-1", "1e309", "__proto__", "constructor",
    "a/b\nuser pt-b\ntopic readwrite fleetward/#", "9999999999999999999", ...RESERVED,
  ),
  fc.constantFrom(...CONTROLS).map((c) => `sensor${c}1`),
);

type TPath = (string | number)[];
type TLeaf = { path: TPath; key: string; value: string };

/** Every string in a JSON value, with where it is. */
export function stringLeaves(value: unknown, path: TPath = []): TLeaf[] {
  if (typeof value === "string") return [{ path, key: String(path.findLast((p) => typeof p === "string") ?? ""), value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, i]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
  return [];
}

function setAt(value: unknown, path: TPath, to: string): unknown {
  if (path.length === 0) return to;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[head!] = setAt(copy[head!], rest, to);
  return copy;
}

export type TMutation = { label: string; body: unknown; reservedAt?: string };

/**
 * A valid body with one string changed: each control character inside one of its strings (in turn, so that every
 * one is sent), then each reserved name in place of each name-like string.
 */
export function mutations(valid: unknown): TMutation[] {
  const leaves = stringLeaves(valid);
  if (!leaves.length) return [];
  const controls = CONTROLS.map((c, i) => {
    const leaf = leaves[i % leaves.length]!;
    const at = Math.ceil(leaf.value.length / 2);
    return { label: `U+${c.charCodeAt(0).toString(16).padStart(4, "0")} in ${leaf.path.join(".")}`, body: setAt(valid, leaf.path, leaf.value.slice(0, at) + c + leaf.value.slice(at) || c) };
  });
  const reserved = leaves
    .filter((l) => NAME_LIKE.test(l.key))
    .flatMap((l) => RESERVED.map((name) => ({ label: `${name} as ${l.path.join(".")}`, body: setAt(valid, l.path, name), reservedAt: l.path.join(".") })));
  return [...controls, ...reserved];
}

/** Query strings with each control character inside a value of one of the route's own parameters. */
export function controlQueries(keys: string[], valid: Record<string, string> = {}): string[] {
  const names = keys.length ? keys : ["q"];
  return CONTROLS.map((c, i) => new URLSearchParams({ ...valid, [names[i % names.length]!]: `a${c}b` }).toString());
}

export type TRawAnswer = { status: number; text: string };

/** Sends a body with Transfer-Encoding: chunked (no Content-Length), in a few pieces, through node:http itself. */
export function sendChunked(url: string, method: string, headers: Record<string, string>, body: string): Promise<TRawAnswer> {
  const bytes = Buffer.from(body);
  const third = Math.max(1, Math.ceil(bytes.length / 3));
  const pieces = [bytes.subarray(0, third), bytes.subarray(third, 2 * third), bytes.subarray(2 * third)].filter((p) => p.length > 0);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, "transfer-encoding": "chunked" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer to the chunked ${method} ${url} within 30 s`)));
    req.on("error", reject);
    Readable.from(pieces).pipe(req);
  });
}
