import { describe, expect, it } from "vitest";
import { certificateStatus, statusRange } from "./certificate-status";

const now = new Date("2026-11-22T00:00:00Z");
const at = (days: number) => new Date(now.getTime() + days * 86_400_000);
const inRange = (d: Date, r: { gte?: Date; lt?: Date }) => (!r.gte || d >= r.gte) && (!r.lt || d < r.lt);

describe("certificate status", () => {
  it("names revoked first, then expired, expiring within 30 days, active", () => {
    expect(certificateStatus({ notAfter: at(400), revokedAt: at(-1) }, now)).toBe("revoked");
    expect(certificateStatus({ notAfter: now, revokedAt: null }, now)).toBe("expired");
    expect(certificateStatus({ notAfter: at(30), revokedAt: null }, now)).toBe("expiring");
    expect(certificateStatus({ notAfter: at(30.001), revokedAt: null }, now)).toBe("active");
  });

  it("filters by the same boundaries it names", () => {
    for (const days of [-5, 0, 0.0001, 29.999, 30, 30.001, 365]) {
      const notAfter = at(days);
      const status = certificateStatus({ notAfter, revokedAt: null }, now);
      expect(status).not.toBe("revoked");
      for (const s of ["active", "expiring", "expired"] as const) expect(inRange(notAfter, statusRange(s, now)), `${days} days, ${s}`).toBe(s === status);
    }
  });
});
