import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json";

/** The definition: JSON.stringify of a copy with every object's keys sorted. */
function reference(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === "object" && !(v instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) if ((v as Record<string, unknown>)[k] !== undefined) out[k] = sortKeys((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sortKeys(value));
}

describe("canonical JSON", () => {
  it("sorts keys at every depth", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ at: new Date(0), u: undefined, l: [undefined] })).toBe('{"at":"1970-01-01T00:00:00.000Z","l":[null]}');
    expect(canonicalJson(JSON.parse('[{"__proto__":{"a":1},"b":2}]'))).toBe('[{"b":2}]');
    // The counterexample fast-check found: the definition throws on it, canonical JSON drops the key as always.
    const odd = { "": Object.defineProperty({}, "__proto__", { value: new Date(0), enumerable: true }) };
    expect(() => reference(odd)).toThrow(TypeError);
    expect(canonicalJson(odd)).toBe('{"":{}}');
  });
  it("writes exactly what the definition writes, for any JSON value (the audit chain's hashes depend on it)", () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => canonicalJson(v) === reference(v)), { numRuns: 2_000 });
    // With Dates: an own "__proto__" key holding a Date makes the definition's copy inherit Date's toJSON, which
    // throws on it; no JSON (nor any audit event read back from Postgres) holds one. Those values are not compared.
    const writable = (v: unknown) => {
      try {
        return (reference(v), true);
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(fc.object({ withNullPrototype: false, withBigInt: false, withDate: true, withMap: false, withSet: false, withTypedArray: false, withSparseArray: false, withBoxedValues: false }), (v) => {
        fc.pre(writable(v));
        return canonicalJson(v) === reference(v);
      }),
      { numRuns: 500 },
    );
  });
});
