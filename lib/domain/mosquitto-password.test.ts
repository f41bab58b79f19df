import { describe, expect, it } from "vitest";
import { mosquittoPasswordHash, verifyMosquittoPassword } from "./mosquitto-password";

describe("mosquitto $7$ password hashes", () => {
  it("have Mosquitto 2.0's shape: iterations, 12-byte salt, 64-byte PBKDF2-SHA512", async () => {
    const h = await mosquittoPasswordHash("secret", 1000, Buffer.alloc(12, 1));
    const [, seven, iterations, salt, hash] = h.split("$");
    expect([seven, iterations]).toEqual(["7", "1000"]);
    expect(Buffer.from(salt!, "base64")).toHaveLength(12);
    expect(Buffer.from(hash!, "base64")).toHaveLength(64);
  });
  it("verify the right password only", async () => {
    const h = await mosquittoPasswordHash("right");
    expect(verifyMosquittoPassword(h, "right")).toBe(true);
    expect(verifyMosquittoPassword(h, "wrong")).toBe(false);
    expect(verifyMosquittoPassword("garbage", "right")).toBe(false);
  });
});
