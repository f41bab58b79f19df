import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode, formatRecoveryCode, hotp, normalizeRecoveryCode, otpauthUri, recoveryCodeHash, totpCode, verifyTotp } from "./totp";

// RFC 6238 appendix B, SHA-1: the secret is the ASCII "12345678901234567890".
const RFC_SECRET = Buffer.from("12345678901234567890");

describe("TOTP", () => {
  it("matches RFC 6238's SHA-1 test vectors (8 digits)", () => {
    const vectors: [number, string][] = [[59, "94287082"], [1111111109, "07081804"], [1111111111, "14050471"], [1234567890, "89005924"], [2000000000, "69279037"], [20000000000, "65353130"]];
    for (const [t, code] of vectors) expect(hotp(RFC_SECRET, BigInt(Math.floor(t / 30)), 8)).toBe(code);
  });

  it("matches RFC 4226's HOTP values (6 digits)", () => {
    const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
    expected.forEach((code, i) => expect(hotp(RFC_SECRET, BigInt(i))).toBe(code));
  });

  it("round-trips base32 and decodes RFC 4648's examples", () => {
    expect(base32Encode(Buffer.from("foobar"))).toBe("MZXW6YTBOI");
    expect(base32Decode("MZXW6YTBOI").toString()).toBe("foobar");
    expect(base32Decode("mzxw 6ytb-oi").toString()).toBe("foobar");
    for (let i = 0; i < 50; i++) {
      const b = randomBytes(i);
      expect(base32Decode(base32Encode(b))).toEqual(b);
    }
    expect(() => base32Decode("MZ1")).toThrow(/not base32/);
  });

  it("accepts the current code and its neighbours, refuses others and a code already used", () => {
    const secret = randomBytes(20);
    const now = 1_800_000_000_000;
    const step = BigInt(Math.floor(now / 30_000));
    expect(verifyTotp(secret, totpCode(secret, now), now, null)).toBe(step);
    expect(verifyTotp(secret, totpCode(secret, now - 30_000), now, null)).toBe(step - 1n);
    expect(verifyTotp(secret, totpCode(secret, now + 30_000), now, null)).toBe(step + 1n);
    expect(verifyTotp(secret, totpCode(secret, now - 90_000), now, null)).toBeNull();
    const spaced = totpCode(secret, now).replace(/^(\d{3})/, "$1 ");
    expect(verifyTotp(secret, spaced, now, null)).toBe(step);
    // Replay: the step used last time and anything before it are refused.
    expect(verifyTotp(secret, totpCode(secret, now), now, step)).toBeNull();
    expect(verifyTotp(secret, totpCode(secret, now - 30_000), now, step - 1n)).toBeNull();
    expect(verifyTotp(secret, totpCode(secret, now + 30_000), now, step)).toBe(step + 1n);
    expect(verifyTotp(secret, "12345", now, null)).toBeNull();
    expect(verifyTotp(secret, "abcdef", now, null)).toBeNull();
  });

  it("builds the otpauth URI authenticator apps read", () => {
    expect(otpauthUri("JBSWY3DPEHPK3PXP", "ada@example.com")).toBe(
      "otpauth://totp/Fleetward:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Fleetward&algorithm=SHA1&digits=6&period=30",
    );
  });

  it("formats recovery codes and hashes them regardless of dashes and case", () => {
    const code = formatRecoveryCode(randomBytes(10));
    expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    expect(normalizeRecoveryCode(code.toUpperCase().replaceAll("-", " "))).toBe(code.replaceAll("-", ""));
    expect(recoveryCodeHash(code.toUpperCase())).toBe(recoveryCodeHash(code));
    expect(recoveryCodeHash(code)).not.toBe(recoveryCodeHash(formatRecoveryCode(randomBytes(10))));
  });
});
