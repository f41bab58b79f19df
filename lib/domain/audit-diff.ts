// What an audited change changed: the details' `before` and `after` laid side by side, field by field. Pure.

export type TDiffRow = { path: string; before: string | null; after: string | null; changed: boolean };

// Details never hold secrets (the writers leave them out); these names are hidden all the same if one ever appears.
const SECRET = /(password|passwordhash|secret|privatekey|privatekeypem|pskkey|token)$/i;

function flatten(value: unknown, prefix: string, out: Map<string, string>, depth: number) {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && depth < 4) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out.set(prefix, "{}");
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
    return;
  }
  const leaf = prefix.split(".").at(-1) ?? "";
  out.set(prefix, SECRET.test(leaf) ? "(hidden)" : JSON.stringify(value) ?? "null");
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Rows for `before`/`after` details (either may be missing), or null when the details carry no such pair. */
export function detailsDiff(details: unknown): TDiffRow[] | null {
  if (!isObject(details) || (!isObject(details.before) && !isObject(details.after))) return null;
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  if (isObject(details.before)) flatten(details.before, "", before, 0);
  if (isObject(details.after)) flatten(details.after, "", after, 0);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths.map((path) => {
    const b = before.get(path) ?? null;
    const a = after.get(path) ?? null;
    return { path, before: b, after: a, changed: b !== a };
  });
}

/** The details besides `before` and `after`, for showing as they are (secret-looking fields hidden). */
export function otherDetails(details: unknown): [string, string][] {
  if (!isObject(details)) return details === undefined || details === null ? [] : [["value", JSON.stringify(details)]];
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(details)) if (k !== "before" && k !== "after") flatten(v, k, out, 1);
  return [...out];
}
