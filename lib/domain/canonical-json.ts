// Deterministic JSON: object keys sorted at every depth, so the same value always hashes the same,
// whatever order Postgres jsonb or a caller produced the keys in. Written directly (no sorted copy of the value):
// verifying a million audit events serialises a million of these.
//
// It refuses (throws CanonicalJsonError) what JSON cannot hold faithfully, rather than leave it out as
// JSON.stringify does: what is hashed or signed is then exactly what is stored and sent. Refused: undefined,
// functions, symbols (as values or keys), bigints, NaN and Infinity (Postgres keeps 1e400, JSON.parse makes it
// Infinity), strings with a lone surrogate, sparse arrays, objects that are not plain (a Map, a class instance) and
// have no toJSON, and a "__proto__" key: JSON.parse makes it an own key, but any code that copies the object by
// assignment sets the copy's prototype instead, so the key would be served and not be what was hashed.

export class CanonicalJsonError extends Error {
  override name = "CanonicalJsonError";
}

export function canonicalJson(value: unknown): string {
  return write(value, []);
}

/** Where a value sits, for the error only ($, $.details.a[3]). */
const where = (path: readonly (string | number)[]) =>
  "$" + path.map((p) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join("");

function refuse(path: readonly (string | number)[], why: string): never {
  throw new CanonicalJsonError(`${where(path)} ${why}, which canonical JSON refuses`);
}

// String.prototype.isWellFormed is in Node 20 and every current browser, not yet in TypeScript's ES2023 library.
const wellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function writeString(s: string, path: (string | number)[]): string {
  if (!wellFormed(s)) refuse(path, "is a string with a lone surrogate");
  return JSON.stringify(s);
}

function write(value: unknown, path: (string | number)[]): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return writeString(value, path);
    case "number":
      if (!Number.isFinite(value)) refuse(path, `is ${value}`);
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default:
      return refuse(path, `is ${typeof value === "undefined" ? "undefined" : `a ${typeof value}`}`);
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return write(toJSON.call(value), path);
  if (Array.isArray(value)) return writeArray(value, path);
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null) {
    const name = (proto.constructor as { name?: string } | undefined)?.name;
    refuse(path, name && name !== "Object" ? `is a ${name}, not a plain object` : "has a prototype of its own, not a plain object");
  }
  if (Object.getOwnPropertySymbols(value).length) refuse(path, "has a symbol key");
  const parts: string[] = [];
  for (const key of orderedKeys(value)) {
    path.push(key);
    if (key === "__proto__") refuse(path, "is a __proto__ key");
    parts.push(`${writeString(key, path)}:${write((value as Record<string, unknown>)[key], path)}`);
    path.pop();
  }
  return `{${parts.join(",")}}`;
}

function writeArray(value: readonly unknown[], path: (string | number)[]): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i++) {
    path.push(i);
    if (!(i in value)) refuse(path, "is a hole in a sparse array");
    parts.push(write(value[i], path));
    path.pop();
  }
  return `[${parts.join(",")}]`;
}

// An object's own keys in the order the chain has always hashed them: JSON.stringify of a copy built in sorted key
// order, where JavaScript puts array-index keys ("0", "17") first, ascending, and the others in insertion order.
const isIndex = (k: string) => /^(?:0|[1-9]\d*)$/.test(k) && Number(k) < 4_294_967_295;

function orderedKeys(value: object): string[] {
  const keys = Object.keys(value); // index keys come first, ascending
  const first = keys.findIndex((k) => !isIndex(k));
  return first < 0 ? keys : [...keys.slice(0, first), ...keys.slice(first).sort()];
}
