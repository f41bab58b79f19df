import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, CanonicalJsonError } from "./canonical-json";

/** The definition: JSON.stringify of a copy with every object's keys sorted. */
function reference(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === "object" && !(v instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sortKeys(value));
}

/** Does the value hold a "__proto__" key anywhere? */
const hasProtoKey = (v: unknown): boolean =>
  Array.isArray(v) ? v.some(hasProtoKey) : !!v && typeof v === "object" && Object.keys(v).some((k) => k === "__proto__" || hasProtoKey((v as Record<string, unknown>)[k]));

const refused = (v: unknown) => {
  try {
    canonicalJson(v);
  } catch (e) {
    if (e instanceof CanonicalJsonError) return e.message;
    throw e;
  }
  return null;
};

describe("canonical JSON", () => {
  it("sorts keys at every depth; a Date is written as its text", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ at: new Date(0), n: -0, e: 1e21 })).toBe('{"at":"1970-01-01T00:00:00.000Z","e":1e+21,"n":0}');
    expect(canonicalJson(Object.assign(Object.create(null) as object, { b: 2, a: 1 }))).toBe('{"a":1,"b":2}');
  });

  it("writes exactly what the definition writes, for any JSON value without a __proto__ key (hashes and signatures depend on it)", () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => (hasProtoKey(v) ? refused(v) !== null : canonicalJson(v) === reference(v))), { numRuns: 2_000 });
  });

  it("refuses, naming where, what JSON cannot hold faithfully instead of leaving it out", () => {
    const cases: [unknown, string][] = [
      [{ a: undefined }, "$.a is undefined"],
      [[1, undefined], "$[1] is undefined"],
      [{ f: () => 1 }, "$.f is a function"],
      [{ s: Symbol("x") }, "$.s is a symbol"],
      [{ [Symbol("k")]: 1 }, "$ has a symbol key"],
      [{ n: 10n }, "$.n is a bigint"],
      [{ x: { y: NaN } }, "$.x.y is NaN"],
      [{ big: Infinity }, "$.big is Infinity"],
      [{ lone: "a\ud800b" }, "$.lone is a string with a lone surrogate"],
      [{ ["k\udc00"]: 1 }, '$["k\\udc00"] is a string with a lone surrogate'],
      [[1, , 3], "$[1] is a hole in a sparse array"],
      [{ m: new Map([["a", 1]]) }, "$.m is a Map, not a plain object"],
      [{ deep: [{ "odd key": new Set() }] }, '$.deep[0]["odd key"] is a Set, not a plain object'],
    ];
    for (const [value, message] of cases) expect(refused(value), message).toBe(`${message}, which canonical JSON refuses`);
  });

  it("refuses a __proto__ key, which JSON.parse makes an own key and a copy by assignment would turn into a prototype", () => {
    const parsed = JSON.parse('{"details": {"b": 1, "__proto__": {"isAdmin": true}}}') as unknown;
    expect(Object.keys((parsed as { details: object }).details)).toContain("__proto__");
    expect(refused(parsed)).toBe('$.details.__proto__ is a __proto__ key, which canonical JSON refuses');
    // A literal `{ __proto__: x }` sets a prototype: not a plain object either.
    expect(refused({ __proto__: { a: 1 }, b: 2 })).toBe("$ has a prototype of its own, not a plain object, which canonical JSON refuses");
  });

  it("still encodes what round-trips: a well-formed emoji, a key that merely reads like one", () => {
    expect(canonicalJson({ s: "😀", toJSON: "not a function", constructor: "x" })).toBe('{"constructor":"x","s":"😀","toJSON":"not a function"}');
  });
});
