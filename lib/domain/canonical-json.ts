// Deterministic JSON: object keys sorted at every depth, so the same value always hashes the same,
// whatever order Postgres jsonb or a caller produced the keys in. Written directly (no sorted copy of the value):
// verifying a million audit events serialises a million of these.
export function canonicalJson(value: unknown): string {
  return write(value) ?? "null";
}

/** As JSON.stringify would write the value with its keys sorted; undefined where it would leave the value out. */
function write(value: unknown): string | undefined {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return JSON.stringify(value);
    case "object":
      break;
    default:
      return undefined; // undefined, functions and symbols are left out (null inside arrays)
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return write(toJSON.call(value));
  if (Array.isArray(value)) return `[${value.map((v) => write(v) ?? "null").join(",")}]`;
  const parts: string[] = [];
  for (const key of orderedKeys(value)) {
    // The sorted copy the chain was first hashed with dropped an own "__proto__" key (assigning it sets the
    // prototype): so does this.
    if (key === "__proto__") continue;
    const v = write((value as Record<string, unknown>)[key]);
    if (v !== undefined) parts.push(`${JSON.stringify(key)}:${v}`);
  }
  return `{${parts.join(",")}}`;
}

// An object's own keys in the order the chain has always hashed them: JSON.stringify of a copy built in sorted key
// order, where JavaScript puts array-index keys ("0", "17") first, ascending, and the others in insertion order.
const isIndex = (k: string) => /^(?:0|[1-9]\d*)$/.test(k) && Number(k) < 4_294_967_295;

function orderedKeys(value: object): string[] {
  const keys = Object.keys(value); // index keys come first, ascending
  const first = keys.findIndex((k) => !isIndex(k));
  return first < 0 ? keys : [...keys.slice(0, first), ...keys.slice(first).sort()];
}
