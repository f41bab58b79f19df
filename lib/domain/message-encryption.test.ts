import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptPayload, encryptedKeyId, encryptPayload } from "./message-encryption";

const key = randomBytes(32);
const text = new TextEncoder().encode('{"temperature":21.5}');

describe("encrypted payloads", () => {
  it("round-trip under their key and name it; the ciphertext does not hold the plaintext", async () => {
    const jwe = await encryptPayload(text, "ck_1", key);
    expect(encryptedKeyId(jwe)).toBe("ck_1");
    expect(jwe).not.toContain("temperature");
    expect(await decryptPayload(Buffer.from(jwe), key)).toEqual({ plaintext: new Uint8Array(text) });
  });

  it("refuse another key, an altered ciphertext and anything else", async () => {
    const jwe = await encryptPayload(text, "ck_1", key);
    expect(await decryptPayload(jwe, randomBytes(32))).toEqual({ problem: "does not decrypt under its key (altered, or another key)" });
    const parts = jwe.split(".");
    parts[3] = `${parts[3]!.slice(0, -2)}${parts[3]!.endsWith("AA") ? "BB" : "AA"}`;
    expect(await decryptPayload(parts.join("."), key)).toMatchObject({ problem: expect.any(String) });
    expect(encryptedKeyId('{"a":1}')).toBeNull();
    expect(encryptedKeyId("a.b.c")).toBeNull();
    expect(await decryptPayload("a.b.c.d.e", key)).toEqual({ problem: "is not a well-formed encrypted message" });
  });
});
