import { describe, expect, it } from "vitest";
import { formatSealed, masterKeyId, parseSealed } from "./sealed-format";

const iv = Buffer.alloc(12, 1);
const tag = Buffer.alloc(16, 2);
const ciphertext = Buffer.from("sealed bytes");
const body = Buffer.concat([iv, tag, ciphertext]).toString("base64");

describe("sealed secret format", () => {
  it("names a key by the first 8 hex digits of its SHA-256", () => {
    // SHA-256 of 32 zero bytes is 66687aad f862bd77...
    expect(masterKeyId(Buffer.alloc(32))).toBe("66687aad");
    expect(masterKeyId(Buffer.alloc(32, 1))).not.toBe("66687aad");
  });

  it("writes v2 with the key id and reads it back into the same parts", () => {
    const sealed = formatSealed("0a1b2c3d", { iv, tag, ciphertext });
    expect(sealed).toBe(`v2:0a1b2c3d:${body}`);
    expect(parseSealed(sealed)).toEqual({ version: 2, keyId: "0a1b2c3d", iv, tag, ciphertext });
  });

  it("still reads v1 values, which name no key", () => {
    expect(parseSealed(`v1:${body}`)).toEqual({ version: 1, keyId: null, iv, tag, ciphertext });
  });

  it("reads an empty secret (IV and tag only)", () => {
    const empty = formatSealed("0a1b2c3d", { iv, tag, ciphertext: Buffer.alloc(0) });
    expect(parseSealed(empty).ciphertext.length).toBe(0);
  });

  it("refuses malformed values, saying what is wrong without echoing them", () => {
    const cases: [string, RegExp][] = [
      ["plain text", /unknown sealed-secret format/],
      ["v3:abc", /unknown sealed-secret format/],
      [`v2:${body}`, /without an 8-hex-digit key id/],
      [`v2:0A1B2C3D:${body}`, /without an 8-hex-digit key id/],
      [`v2:0a1b2c3:${body}`, /without an 8-hex-digit key id/],
      ["v1:not base64!", /not base64/],
      [`v1:${Buffer.alloc(27).toString("base64")}`, /shorter than its IV and tag/],
    ];
    for (const [value, reason] of cases) {
      expect(() => parseSealed(value), value).toThrow(reason);
      try {
        parseSealed(value);
      } catch (e) {
        if (value.length > 8) expect((e as Error).message).not.toContain(value);
      }
    }
  });

  it("refuses to write a key id that is not 8 hex digits", () => {
    expect(() => formatSealed("xyz", { iv, tag, ciphertext })).toThrow(/8 hex digits/);
  });
});
